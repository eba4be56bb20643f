// What every benchmark mode needs of the processes it runs: a free port, a server that answers, a load generator in
// a process of its own (so that its work never competes with the measuring one's event loop), and what the kernel
// says a process used.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { underCallgrind, VALGRIND_ENV } from './instruction-count.js';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.on('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** Waits until `url` answers below 500 (a server that has started and migrated). */
export async function waitFor(url: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(url)).status < 500) return;
    } catch {
      // not yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} did not answer within ${timeoutMs} ms`);
}

/** Resident memory now and at its peak, in MB. */
export function rssMb(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
  return { rss: Math.round(kb('VmRSS') / 1024), peak: Math.round(kb('VmHWM') / 1024) };
}

const CLOCK_TICKS_PER_SECOND = 100;

/** CPU seconds (user + system) a process has used so far. */
export function cpuSeconds(pid: number): number {
  // Fields after the command name (which may hold spaces, hence the split at ')'): utime and stime are 12th and 13th.
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND;
}

/**
 * Runs `bench/<script>` in a process of its own with `input` (as a JSON file) and returns the JSON of its last line
 * of output.
 */
export function runLoadProcess<I, O>(script: string, input: I): O {
  const file = join(tmpdir(), `telemap-bench-${process.pid}-${randomBytes(4).toString('hex')}.json`);
  writeFileSync(file, JSON.stringify(input));
  try {
    const out = execFileSync(process.execPath, ['--import', 'tsx', join(ROOT, 'bench', script), file], {
      cwd: ROOT,
      encoding: 'utf8',
      maxBuffer: 16 * 1024 * 1024,
    });
    return JSON.parse(out.trim().split('\n').pop()!) as O;
  } finally {
    rmSync(file, { force: true });
  }
}

const children: ChildProcess[] = [];
process.on('exit', () => children.forEach((c) => c.exitCode === null && c.kill('SIGKILL')));

export interface SpawnOptions {
  /** The checkout the process runs in (default: this one). */
  cwd?: string;
  /** Run under valgrind's callgrind, writing its dumps as `<dir>/<name>.out…` (bench/instruction-count.ts). */
  callgrind?: { dir: string; name: string };
}

/**
 * Starts node with `argv` in a process of its own, killed if the benchmark exits first. Its stderr is passed on; its
 * stdout only with BENCH_VERBOSE set.
 */
export function spawnNode(argv: string[], env: Record<string, string>, options: SpawnOptions = {}): ChildProcess {
  const { command, args } = options.callgrind
    ? underCallgrind(options.callgrind.dir, options.callgrind.name, argv)
    : { command: process.execPath, args: argv };
  const childEnv = { ...process.env, ...env, ...(options.callgrind ? VALGRIND_ENV : {}) };
  const child = spawn(command, args, { cwd: options.cwd ?? ROOT, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout!.on('data', (c: Buffer) => process.env.BENCH_VERBOSE && process.stdout.write(c));
  child.stderr!.on('data', (c: Buffer) => process.stderr.write(c));
  children.push(child);
  return child;
}

/** Ends a process started here, if it still runs, and waits until it has exited (a server writes its profile then). */
export async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

/** Ends every process spawnNode started that still runs, and waits for them (valgrind writes a last dump as each exits). */
export async function stopAllProcesses(): Promise<void> {
  await Promise.all(children.map(stopProcess));
}
