// `npm run bench -- --ingest [--db sqlite|postgres] [--duration S] [--skip-build]`: telemetry ingest under load.
//
// Two scenarios against the compiled server in its own process, each beside its own yardstick measured in the same run:
// - batch path: POST /api/v1/telemetry/batch, 1,000 readings (100 devices × 10 keys) per request, 8 connections,
//   against the storage limit: the same rows inserted straight into a scratch database of the same schema with the
//   same driver, 1,000-row multi-row INSERT statements each in its own transaction, from this one process (on
//   PostgreSQL over 8 connections, like the load; SQLite has one writer).
// - device path: POST /api/v1/telemetry with a device token, 1 reading per request, 32 connections, against the
//   bare node:http floor (bench/floor-server.ts) at the same concurrency.
// Prints readings/s, the ratios, bytes on disk per stored reading and the server's peak RSS, and writes the result
// under bench/results/.
import { freePort, rssMb, runLoadProcess, waitFor } from './processes.js';
import { scratchDatabase } from './scratch-database.js';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import SqliteDatabase from 'better-sqlite3';
import { sql } from 'kysely';
import pg from 'pg';
import { systemClock } from '../src/clock.js';
import { connectDatabase, type Database } from '../src/db/connect.js';
import { migrateToLatest } from '../src/db/migrate.js';
import { newId } from '../src/domain/ids.js';
import { createOrganizationWithKey } from '../src/domain/orgs/service.js';
import { issueDeviceToken } from '../src/domain/telemetry/device-tokens.js';
import type { IngestLoadResult, IngestLoadScenario } from './ingest-load.js';
import { summarizeProfile } from './profile-summary.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const RESULTS = join(ROOT, 'bench', 'results');
const BATCH_DEVICES = 100;
const BATCH_KEYS = 10;
const BATCH_CONNECTIONS = 8;
const DEVICE_CONNECTIONS = 32;
const TOKEN_DEVICES = 256;

export interface IngestBenchOptions {
  dialect: 'sqlite' | 'postgres';
  durationSeconds: number;
  warmupSeconds: number;
  skipBuild: boolean;
  /** Run the server with --cpu-prof and print its top self-time functions. */
  profile: boolean;
  /** 'batch' or 'device' to run only that scenario (and its yardstick). */
  only?: string;
}

const children: ChildProcess[] = [];
process.on('exit', () => children.forEach((c) => c.exitCode === null && c.kill('SIGKILL')));

function spawnNode(argv: string[], env: Record<string, string>): ChildProcess {
  const child = spawn(process.execPath, argv, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout!.on('data', (c: Buffer) => process.env.BENCH_VERBOSE && process.stdout.write(c));
  child.stderr!.on('data', (c: Buffer) => process.stderr.write(c));
  children.push(child);
  return child;
}

function runLoad(scenario: IngestLoadScenario): IngestLoadResult {
  return runLoadProcess<IngestLoadScenario, IngestLoadResult>('ingest-load.ts', scenario);
}

interface World {
  apiKey: string;
  identifiers: string[];
  tokens: string[];
}

async function seedWorld(database: Database): Promise<World> {
  const ctx = { database, clock: systemClock };
  const org = await createOrganizationWithKey(ctx, { name: 'Ingest bench' });
  const now = new Date().toISOString();
  const identifiers: string[] = [];
  const ids: string[] = [];
  const rows = [];
  for (let i = 0; i < Math.max(BATCH_DEVICES, TOKEN_DEVICES); i++) {
    const id = newId();
    identifiers.push(`BENCH-${i}`);
    ids.push(id);
    rows.push({ id, organization_id: org.organizationId, identifier: `BENCH-${i}`, type: 'sensor', metadata: '{}', created_at: now, updated_at: now });
  }
  await database.db.insertInto('devices').values(rows).execute();
  const tokens: string[] = [];
  for (const id of ids.slice(0, TOKEN_DEVICES)) tokens.push((await issueDeviceToken(ctx, org.organizationId, id)).token);
  return { apiKey: org.firstKey.apiKey, identifiers, tokens };
}

/** Distinct batches: request r holds ts = start + r for every (device, key), so none replaces another's rows. */
function batchBodies(world: World, count: number, startTs: number): string[] {
  const bodies: string[] = [];
  for (let r = 0; r < count; r++) {
    const body: Record<string, { ts: number; values: Record<string, number> }> = {};
    for (let d = 0; d < BATCH_DEVICES; d++) {
      const values: Record<string, number> = {};
      for (let k = 0; k < BATCH_KEYS; k++) values[`k${k}`] = Math.round(Math.sin(r + d + k) * 1e4) / 100;
      body[world.identifiers[d]!] = { ts: startTs + r, values };
    }
    bodies.push(JSON.stringify(body));
  }
  return bodies;
}

/** The storage limit: 1,000-row INSERTs into readings, each in its own transaction, for `seconds`. */
async function storageLimit(dialect: 'sqlite' | 'postgres', seconds: number): Promise<{ readingsPerSecond: number }> {
  const db = await scratchDatabase(dialect, 'ingest');
  try {
    const database = connectDatabase(db.target, { checkpointThread: false });
    await migrateToLatest(database);
    await database.close();
    const rowsPerStatement = BATCH_DEVICES * BATCH_KEYS;
    const parameters = (r: number) => {
      const out: unknown[] = [];
      for (let s = 1; s <= rowsPerStatement; s++) out.push(s, 1_700_000_000_000 + r, 0, Math.sin(r + s), null);
      return out;
    };
    if (dialect === 'sqlite') {
      const path = (db.target as { path: string }).path;
      const sqlite = new SqliteDatabase(path);
      sqlite.pragma('journal_mode = WAL');
      sqlite.pragma('synchronous = NORMAL');
      sqlite.pragma('cache_size = -65536');
      const insert = sqlite.prepare(`insert into readings (series_id, ts, kind, num, txt) values ${new Array(rowsPerStatement).fill('(?,?,?,?,?)').join(',')}`);
      const deadline = Date.now() + seconds * 1000;
      const started = Date.now();
      let r = 0;
      while (Date.now() < deadline) {
        const values = parameters(r++);
        sqlite.transaction(() => insert.run(values))();
      }
      const elapsed = (Date.now() - started) / 1000;
      sqlite.close();
      return { readingsPerSecond: (r * rowsPerStatement) / elapsed };
    }
    const pool = new pg.Pool({ connectionString: db.url, max: BATCH_CONNECTIONS });
    const text = `insert into readings (series_id, ts, kind, num, txt) values ${Array.from({ length: rowsPerStatement }, (_, i) => `($${i * 5 + 1},$${i * 5 + 2},$${i * 5 + 3},$${i * 5 + 4},$${i * 5 + 5})`).join(',')}`;
    let next = 0;
    const deadline = Date.now() + seconds * 1000;
    const started = Date.now();
    await Promise.all(
      Array.from({ length: BATCH_CONNECTIONS }, async () => {
        const client = await pool.connect();
        try {
          while (Date.now() < deadline) {
            const values = parameters(next++);
            await client.query('begin');
            await client.query(text, values);
            await client.query('commit');
          }
        } finally {
          client.release();
        }
      }),
    );
    const elapsed = (Date.now() - started) / 1000;
    await pool.end();
    return { readingsPerSecond: (next * rowsPerStatement) / elapsed };
  } finally {
    await db.drop();
  }
}

async function bytesPerReading(database: Database): Promise<{ readings: number; bytes: number }> {
  const { db } = database;
  const counted = await db.selectFrom('readings').select((eb) => eb.fn.countAll<number | string>().as('n')).executeTakeFirstOrThrow();
  const readings = Number(counted.n);
  if (database.dialect.name === 'sqlite') {
    const size = await sql<{ bytes: number }>`select sum(pgsize) as bytes from dbstat where name = 'readings'`.execute(db);
    return { readings, bytes: Number(size.rows[0]?.bytes ?? 0) };
  }
  const size = await sql<{ bytes: string }>`
    select coalesce(sum(pg_total_relation_size(i.inhrelid)), 0) as bytes from pg_inherits i
    join pg_class p on p.oid = i.inhparent where p.relname = 'readings'`.execute(db);
  return { readings, bytes: Number(size.rows[0]?.bytes ?? 0) };
}

export async function runIngestBench(options: IngestBenchOptions): Promise<void> {
  const { dialect, durationSeconds, warmupSeconds } = options;
  if (!options.skipBuild) {
    console.log('building dist/ …');
    execFileSync('npm', ['run', '-s', 'build'], { cwd: ROOT, stdio: 'inherit' });
  }
  console.log(`ingest benchmark on ${dialect}, ${durationSeconds} s per run, ${cpus().length} CPUs (shared with whatever else runs here)`);

  const runBatch = options.only === undefined || options.only === 'batch';
  const runDevice = options.only === undefined || options.only === 'device';
  console.log('storage limit: 1,000-row INSERTs straight into readings …');
  const limit = runBatch ? await storageLimit(dialect, durationSeconds) : { readingsPerSecond: Number.NaN };

  const db = await scratchDatabase(dialect, 'ingest');
  try {
    const database = connectDatabase(db.target, { checkpointThread: false });
    await migrateToLatest(database);
    const world = await seedWorld(database);
    const port = await freePort();
    const profileDir = join(RESULTS, 'profiles', `ingest-${Date.now()}`);
    const serverArgs = options.profile ? ['--cpu-prof', '--cpu-prof-dir', profileDir, 'dist/main.js'] : ['dist/main.js'];
    const server = spawnNode(serverArgs, { DATABASE_URL: db.url, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn' });
    const base = `http://127.0.0.1:${port}`;
    await waitFor(`${base}/healthz`);
    const floorPort = await freePort();
    const floorServer = spawnNode(['--import', 'tsx', 'bench/floor-server.ts'], { PORT: String(floorPort) });
    const floorBase = `http://127.0.0.1:${floorPort}`;
    await waitFor(floorBase);

    // Enough distinct batches for the warm-up and the run at a generous rate; past them, requests replace rows.
    const bodies = batchBodies(world, 1500, Date.now() - 30 * 24 * 3_600_000);
    const batchRequests = bodies.map((body) => ({ headers: { 'x-api-key': world.apiKey, 'content-type': 'application/json' }, body }));
    const deviceRequests = world.tokens.map((token, i) => ({
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ temperature: 20 + (i % 10) / 10 }),
    }));
    const floorRequests = deviceRequests.map(({ body }) => ({ headers: { 'content-type': 'application/json', 'x-floor-bytes': '14' }, body }));

    const probe = await fetch(`${base}/api/v1/telemetry`, { method: 'POST', headers: deviceRequests[0]!.headers, body: deviceRequests[0]!.body });
    if (probe.status !== 202) throw new Error(`device path probe answered ${probe.status} ${await probe.text()}`);

    const load = (url: string, path: string, connections: number, requests: IngestLoadScenario['requests'], seconds: number) =>
      runLoad({ url, path, connections, durationSeconds: seconds, requests });

    const skipped: IngestLoadResult = { requestsPerSecond: Number.NaN, p50: Number.NaN, p99: Number.NaN, total: 0, non2xx: 0, errors: 0 };
    let batch = skipped;
    let device = skipped;
    let floor = skipped;
    if (runBatch) {
      console.log('batch path …');
      // The warm-up uses the bodies from the end, so the measured run starts on bodies never sent.
      if (warmupSeconds > 0) load(base, '/api/v1/telemetry/batch', BATCH_CONNECTIONS, [...batchRequests].reverse(), warmupSeconds);
      batch = load(base, '/api/v1/telemetry/batch', BATCH_CONNECTIONS, batchRequests, durationSeconds);
    }
    if (runDevice) {
      console.log('device path …');
      if (warmupSeconds > 0) load(base, '/api/v1/telemetry', DEVICE_CONNECTIONS, deviceRequests, warmupSeconds);
      device = load(base, '/api/v1/telemetry', DEVICE_CONNECTIONS, deviceRequests, durationSeconds);
      console.log('floor …');
      if (warmupSeconds > 0) load(floorBase, '/', DEVICE_CONNECTIONS, floorRequests, warmupSeconds);
      floor = load(floorBase, '/', DEVICE_CONNECTIONS, floorRequests, durationSeconds);
    }

    const peakRss = rssMb(server.pid!).peak;
    for (const child of [server, floorServer]) {
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
    }
    if (options.profile) {
      for (const file of readdirSync(profileDir).filter((name) => name.endsWith('.cpuprofile'))) console.log(summarizeProfile(join(profileDir, file), 30));
    }
    const disk = await bytesPerReading(database);
    await database.close();

    const perBatch = BATCH_DEVICES * BATCH_KEYS;
    const result = {
      dialect,
      durationSeconds,
      cpus: cpus().length,
      batch: {
        readingsPerSecond: Math.round(batch.requestsPerSecond * perBatch),
        requestsPerSecond: batch.requestsPerSecond,
        p50: batch.p50,
        p99: batch.p99,
        failed: batch.non2xx + batch.errors,
        storageLimitReadingsPerSecond: Math.round(limit.readingsPerSecond),
        ratio: Number(((batch.requestsPerSecond * perBatch) / limit.readingsPerSecond).toFixed(3)),
      },
      device: {
        readingsPerSecond: Math.round(device.requestsPerSecond),
        p50: device.p50,
        p99: device.p99,
        failed: device.non2xx + device.errors,
        floorRequestsPerSecond: Math.round(floor.requestsPerSecond),
        ratio: Number((device.requestsPerSecond / floor.requestsPerSecond).toFixed(3)),
      },
      storedReadings: disk.readings,
      bytesOnDiskPerReading: Number((disk.bytes / Math.max(1, disk.readings)).toFixed(1)),
      serverPeakRssMb: peakRss,
    };
    console.log('');
    console.log(`batch path (1,000 readings/request, ${BATCH_CONNECTIONS} connections): ${result.batch.readingsPerSecond} readings/s, p50 ${batch.p50} ms, p99 ${batch.p99} ms; storage limit ${result.batch.storageLimitReadingsPerSecond} readings/s; ratio ${result.batch.ratio}`);
    console.log(`device path (1 reading/request, ${DEVICE_CONNECTIONS} connections): ${result.device.readingsPerSecond} readings/s, p50 ${device.p50} ms, p99 ${device.p99} ms; floor ${result.device.floorRequestsPerSecond} requests/s; ratio ${result.device.ratio}`);
    console.log(`stored ${disk.readings} readings, ${result.bytesOnDiskPerReading} bytes on disk per reading; server peak RSS ${peakRss} MB`);
    if (result.batch.failed + result.device.failed > 0) console.log(`FAILED requests: batch ${result.batch.failed}, device ${result.device.failed}`);
    mkdirSync(RESULTS, { recursive: true });
    const file = join(RESULTS, `ingest-${dialect}-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
    writeFileSync(file, JSON.stringify(result, null, 2) + '\n');
    console.log(`written to ${file}`);
    if (result.batch.failed + result.device.failed > 0) process.exitCode = 1;
  } finally {
    await db.drop();
  }
}
