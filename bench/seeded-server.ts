// A Telemap server in its own process, on a scratch database seeded for the benchmark: the server every HTTP mode
// (the load scenarios, --count, --stall) measures. It runs this checkout's dist/, or another commit's
// (`--compare-ref`, bench/ref-checkout.ts), whose database is then seeded by that commit's own code.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { connectDatabase } from '../src/db/connect.js';
import { freePort, ROOT, spawnNode, stopProcess, waitFor } from './processes.js';
import type { Checkout } from './ref-checkout.js';
import { scratchDatabase } from './scratch-database.js';
import { seed, type Seeded } from './seed.js';

const SAMPLE_SIZE = 2000;

/** How long a server started under callgrind may take to answer. */
export const CALLGRIND_START_MS = 300_000;

export interface SeededServerOptions {
  dialect: 'sqlite' | 'postgres';
  /** Customers, each owning a device. */
  count: number;
  /** Names the process's callgrind dumps. */
  name: string;
  logLevel: string;
  /** node's own arguments before dist/main.js (--cpu-prof …). */
  nodeArgs?: string[];
  /** Environment variables added to the server's. */
  env?: Record<string, string>;
  /** Run under callgrind, its dumps in this directory (`--count`). */
  callgrindDir?: string;
  /** Another commit's code (`--compare-ref`), built; default: this checkout's dist/. */
  checkout?: Checkout;
}

export interface SeededServer {
  seeded: Seeded;
  base: string;
  process: ChildProcess;
  /** Stops the server if it still runs, and drops its database. */
  stop(): Promise<void>;
}

/** Builds this checkout's dist/, which the servers run (unless `--skip-build`). */
export function buildDist(): void {
  console.log('building dist/ …');
  execFileSync('npm', ['run', '-s', 'build'], { cwd: ROOT, stdio: 'inherit' });
}

export async function startSeededServer(options: SeededServerOptions): Promise<SeededServer> {
  const { dialect, count } = options;
  const db = await scratchDatabase(dialect, 'http');
  try {
    console.log(`seeding ${count} customers with a device each (${dialect}${options.checkout ? `, by ${options.checkout.ref}'s code` : ''}) …`);
    const started = Date.now();
    const seeded = options.checkout ? await seedInCheckout(options.checkout, db.url, count) : await seedHere(db.target, count);
    console.log(`seeded in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    const port = await freePort();
    const server = spawnNode(
      [...(options.nodeArgs ?? []), 'dist/main.js'],
      { DATABASE_URL: db.url, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: options.logLevel, ...options.env },
      { cwd: options.checkout?.dir, callgrind: options.callgrindDir === undefined ? undefined : { dir: options.callgrindDir, name: options.name } },
    );
    const base = `http://127.0.0.1:${port}`;
    // Under callgrind node starts tens of times slower, and on a busy machine took over a minute.
    await waitFor(`${base}/healthz`, options.callgrindDir === undefined ? undefined : CALLGRIND_START_MS);
    const stop = async () => {
      await stopProcess(server);
      await db.drop();
    };
    return { seeded, base, process: server, stop };
  } catch (error) {
    await db.drop();
    throw error;
  }
}

async function seedHere(target: Parameters<typeof connectDatabase>[0], count: number): Promise<Seeded> {
  const database = connectDatabase(target);
  let lastLog = 0;
  const seeded = await seed(database, count, SAMPLE_SIZE, (done) => {
    if (Date.now() - lastLog > 5000) {
      lastLog = Date.now();
      console.log(`  ${done} / ${count}`);
    }
  });
  await database.close();
  return seeded;
}

/** Seeds with the checkout's own migrations and bench/seed.ts, in a process started there (bench/seed-checkout.ts). */
function seedInCheckout(checkout: Checkout, url: string, count: number): Promise<Seeded> {
  const script = fileURLToPath(new URL('seed-checkout.ts', import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', script, checkout.dir, url, String(count), String(SAMPLE_SIZE)], {
    cwd: checkout.dir,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  // Progress lines are passed on as they come; the last other line is the result.
  let pending = '';
  let last = '';
  child.stdout.on('data', (chunk: Buffer) => {
    const lines = (pending + chunk.toString()).split('\n');
    pending = lines.pop()!;
    for (const line of lines) {
      if (line.startsWith('  ')) console.log(line);
      else if (line.trim()) last = line;
    }
  });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      if (pending.trim()) last = pending;
      if (code !== 0) return reject(new Error(`seeding with ${checkout.ref}'s code failed (exit ${code})`));
      try {
        resolve(JSON.parse(last) as Seeded);
      } catch {
        reject(new Error(`seeding with ${checkout.ref}'s code printed no result: ${last.slice(0, 300)}`));
      }
    });
  });
}
