// `npm run bench [-- options]`: Telemap under load, against the floor of this machine.
//
// Builds the server (dist/), makes a scratch database (a temporary SQLite file, or a PostgreSQL database that is
// dropped afterwards), seeds it directly, starts the compiled server in its own process and a bare node:http
// "floor" server in another, then drives each scenario from a third process (bench/load.ts, autocannon) at the
// same concurrency against both. Prints a table and writes it as JSON under bench/results/.
//
// Options:
//   --db sqlite|postgres   (default sqlite; PostgreSQL at TELEMAP_BENCH_PG_URL, default postgres://postgres@127.0.0.1:5432/postgres)
//   --seed N               customers, each owning a device (default 10000)
//   --duration S           seconds per measured run (default 10), after a warm-up of --warmup S (default 2)
//   --connections N        concurrent connections (default 32)
//   --rounds N             alternate Telemap and floor runs N times and report medians (default 1; use 3 or more
//                          on a shared, noisy machine, so that drift in the background load hits both alike)
//   --compare-seed M       also seed a second database with M customers, start a second server on it, and run each
//                          round against both servers back to back (then the floor); prints how much each
//                          scenario's requests/s changed from --seed N to M (the median of the rounds' changes) and
//                          the second server's memory. A change measured within one round does not depend on
//                          the machine's drift between two separate runs.
//   --compare-env K=V[,K=V] the same, for a setting: the second server runs on a database of the same size (or of
//                          --compare-seed) with these environment variables added, e.g. LOG_LEVEL=warn or
//                          TELEMAP_SQLITE_WRITE_GATE=false; the table adds the ratio of CPU time per request.
//   --only a,b             scenarios to run (names as printed)
//   --log-level L          the server's LOG_LEVEL (default warn; info writes one access-log line per request)
//   --profile              run the server with --cpu-prof and print its top self-time functions
//   --skip-build           use dist/ as it is
//   --ingest               the telemetry ingest scenarios instead (bench/ingest.ts): batch path against the storage
//                          limit, device path against the floor; takes --db, --duration, --warmup, --skip-build,
//                          --profile, and --only batch|device
//   --mqtt                 instead of the HTTP scenarios: QoS 1 publishes from 100 device connections to the embedded
//                          MQTT broker (bench/mqtt.ts), with --db, --duration, --warmup and --profile
//   --count N              count instructions instead of timing (bench/instruction-count.ts): both servers run under
//                          valgrind's callgrind, and each scenario sends 3 × N requests to warm up, then three
//                          batches of N to count (a hundredth of N for bulk-metadata), one at a time; prints the median
//                          batch's instructions per request of each server's main thread, and their ratio. Far
//                          steadier than time on a noisy machine (README); user space only.
//   --stall                instead of the load scenarios: the longest /healthz wait while the largest request each
//                          endpoint accepts (or refuses) runs, one at a time (bench/stall.ts, docs/security.md)
import { cpuSeconds, freePort, rssMb, runLoadProcess, waitFor } from './processes.js';
import { scratchDatabase } from './scratch-database.js';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { connectDatabase } from '../src/db/connect.js';
import type { LoadResult, LoadScenario, Requests } from './load.js';
import { countInstructions, underCallgrind, valgrindAvailable, VALGRIND_ENV } from './instruction-count.js';
import { summarizeProfile } from './profile-summary.js';
import { deviceOf, seed, type Seeded } from './seed.js';
import { measureStalls } from './stall.js';
import { median, medianRun } from './stats.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const RESULTS = join(ROOT, 'bench', 'results');

const { values: args } = parseArgs({
  options: {
    db: { type: 'string', default: 'sqlite' },
    seed: { type: 'string', default: '10000' },
    duration: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '2' },
    connections: { type: 'string', default: '32' },
    rounds: { type: 'string', default: '1' },
    only: { type: 'string' },
    'log-level': { type: 'string', default: 'warn' },
    profile: { type: 'boolean', default: false },
    mqtt: { type: 'boolean', default: false },
    'skip-build': { type: 'boolean', default: false },
    count: { type: 'string' },
    'compare-seed': { type: 'string' },
    stall: { type: 'boolean', default: false },
    ingest: { type: 'boolean', default: false },
    'compare-env': { type: 'string' },
  },
});
const dialect = args.db === 'postgres' ? 'postgres' : 'sqlite';
const seedCount = Number(args.seed);
const duration = Number(args.duration);
const warmup = Number(args.warmup);
const connections = Number(args.connections);
const rounds = Math.max(1, Number(args.rounds));
const only = args.only?.split(',').map((s) => s.trim());
/** --count: requests per counted batch, and where callgrind writes its dumps. Undefined: a timed run. */
const counting = args.count === undefined ? undefined : countingMode(Number(args.count));
const compareSeed = args['compare-seed'] === undefined ? undefined : Number(args['compare-seed']);
if (compareSeed !== undefined && !(Number.isInteger(compareSeed) && compareSeed > 0)) throw new Error('--compare-seed takes a positive integer');
if (compareSeed !== undefined && counting) throw new Error('--compare-seed measures time; it does not combine with --count');
const compareEnv = args['compare-env'] === undefined ? undefined : parseEnvList(args['compare-env']);
if (compareEnv && counting) throw new Error('--compare-env measures time; it does not combine with --count');
/** Whether a second server runs beside the first, with how many customers, and how its column is labelled. */
const comparing = compareSeed !== undefined || compareEnv !== undefined;
const comparedSeed = compareSeed ?? seedCount;
const comparedLabel = [compareSeed === undefined ? '' : String(compareSeed), args['compare-env'] ?? ''].filter(Boolean).join(' ');
const primaryLabel = compareSeed === undefined ? 'as is' : String(seedCount);

function parseEnvList(list: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const pair of list.split(',')) {
    const at = pair.indexOf('=');
    if (at <= 0) throw new Error(`--compare-env takes KEY=VALUE pairs separated by commas (got "${pair}")`);
    env[pair.slice(0, at).trim()] = pair.slice(at + 1).trim();
  }
  return env;
}

function countingMode(requests: number): { requests: number; dir: string } {
  if (!(Number.isInteger(requests) && requests > 0)) throw new Error('--count takes a positive integer');
  if (!valgrindAvailable()) throw new Error('--count needs valgrind (apt-get install valgrind)');
  return { requests, dir: mkdtempSync(join(tmpdir(), 'telemap-bench-callgrind-')) };
}

// ---- processes ---------------------------------------------------------------------------------------------------

const children: ChildProcess[] = [];
process.on('exit', () => children.forEach((c) => c.exitCode === null && c.kill('SIGKILL')));

/** Starts node with `argv`; with --count, under callgrind (`name` names its dumps). */
function spawnNode(argv: string[], env: Record<string, string>, name: string): ChildProcess {
  const { command, args: commandArgs } = counting
    ? underCallgrind(counting.dir, name, argv)
    : { command: process.execPath, args: argv };
  const childEnv = { ...process.env, ...env, ...(counting ? VALGRIND_ENV : {}) };
  const child = spawn(command, commandArgs, { cwd: ROOT, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout!.on('data', (c: Buffer) => process.env.BENCH_VERBOSE && process.stdout.write(c));
  child.stderr!.on('data', (c: Buffer) => process.stderr.write(c));
  children.push(child);
  return child;
}

function runLoad(scenario: LoadScenario): LoadResult {
  return runLoadProcess<LoadScenario, LoadResult>('load.ts', scenario);
}

// ---- database ------------------------------------------------------------------------------------------------------

// ---- scenarios -----------------------------------------------------------------------------------------------------

interface Scenario {
  name: string;
  kind: 'read' | 'write' | 'bulk';
  method: 'GET' | 'POST';
  paths: string[];
  bodies?: string[];
  connections?: number;
  /** Load sent alongside, whose requests are not counted (load.ts). */
  background?: Requests;
}

const EXT = '/api/ext-v1';

function scenarios(seeded: Seeded): Scenario[] {
  const s = seeded.sample;
  const bulkBodies: string[] = [];
  for (let b = 0; b < 16; b++) {
    const start = (b * 997) % Math.max(1, seeded.count - 1000);
    const devices: Record<string, unknown> = {};
    for (let i = 0; i < Math.min(1000, seeded.count); i++) devices[deviceOf(start + i)] = { firmware: `1.${b}.${i}`, batch: b };
    bulkBodies.push(JSON.stringify({ devices }));
  }
  const customerPaths = s.map((c) => `${EXT}/customer/getCustomer/${c.id}`);
  const ticketBodies = s.map((c) => JSON.stringify({ title: 'Sensor offline', description: 'No readings since noon', priority: 'high', customerEmail: c.email }));
  const list: Scenario[] = [
    { name: 'getCustomer', kind: 'read', method: 'GET', paths: customerPaths },
    { name: 'queryCustomer', kind: 'read', method: 'POST', paths: [`${EXT}/customer/queryCustomer`], bodies: s.map((c) => JSON.stringify({ email: c.email })) },
    {
      name: 'createOrUpdateCustomer (update)',
      kind: 'write',
      method: 'POST',
      paths: [`${EXT}/customer/createOrUpdateCustomer`],
      bodies: s.map((c, i) => JSON.stringify({ email: c.email, telemetronCustomerId: c.id, name: `Customer ${c.index} v${i % 7}` })),
    },
    {
      name: 'assignDeviceToOwners (existing pair)',
      kind: 'write',
      method: 'POST',
      paths: [`${EXT}/deviceAssignment/assignDeviceToOwners`],
      bodies: s.map((c) => JSON.stringify({ deviceIdentifier: c.device, customerEmails: [c.email] })),
    },
    {
      name: 'createTicket',
      kind: 'write',
      method: 'POST',
      paths: [`${EXT}/ticket/createTicket`],
      bodies: ticketBodies,
    },
    {
      // What a write load does to reads in the same process: until the server stopped checkpointing on its event
      // loop, every 600 ms of this stalled every request for 15-20 ms (docs/performance/experiments.md).
      name: 'mixed: getCustomer (4 connections) during createTicket (32)',
      kind: 'read',
      method: 'GET',
      paths: customerPaths,
      connections: 4,
      background: { method: 'POST', paths: [`${EXT}/ticket/createTicket`], bodies: ticketBodies, connections: 32 },
    },
    { name: 'bulk-metadata 1000 devices', kind: 'bulk', method: 'POST', paths: [`${EXT}/device/bulk-metadata`], bodies: bulkBodies },
    { name: 'bulk-metadata 1000 devices, 1 connection', kind: 'bulk', method: 'POST', paths: [`${EXT}/device/bulk-metadata`], bodies: bulkBodies, connections: 1 },
  ];
  return only ? list.filter((x) => only.some((o) => x.name.startsWith(o))) : list;
}

/** One request through the real server before the load: its status, and the size of a typical answer. */
async function probe(base: string, apiKey: string, scenario: Scenario): Promise<{ bytes: number; status: number; body: string }> {
  const send = () =>
    fetch(base + scenario.paths[0], {
      method: scenario.method,
      headers: { 'x-api-key': apiKey, 'content-type': 'application/json' },
      body: scenario.bodies?.[0],
    });
  // A kept-alive socket from the previous probe may be closed by the server just as it is reused: try again once.
  const res = await send().catch(send);
  const body = await res.text();
  return { bytes: Buffer.byteLength(body), status: res.status, body };
}

// ---- main ----------------------------------------------------------------------------------------------------------

interface Row {
  scenario: string;
  kind: string;
  connections: number;
  requestsPerSecond?: number;
  p50?: number;
  p99?: number;
  /** Requests/s of the scenario's background load (load.ts), when it has one. */
  backgroundRequestsPerSecond?: number;
  /** Of the median run. */
  non2xx?: number;
  errors?: number;
  /** Non-2xx answers, errors and timeouts over every measured run of the scenario, on every Telemap server. */
  failedRequests?: number;
  responseBytes?: number;
  floorRequestsPerSecond?: number;
  floorP50?: number;
  floorP99?: number;
  ratio?: number;
  /** The server's CPU time (user + system) per answered request: steadier than req/s on a noisy machine. */
  serverCpuMicrosPerRequest?: number;
  serverRssMb?: number;
  /** --count: user-space instructions per request of the server's main thread, of the floor's, and floor / server. */
  instructionsPerRequest?: number;
  floorInstructionsPerRequest?: number;
  instructionRatio?: number;
  /** --compare-seed: the same scenario against the server seeded with that many customers, in the same rounds. */
  compare?: ComparedRow;
}

interface ComparedRow {
  seed: number;
  /** --compare-env: what the second server's environment added. */
  env: Record<string, string> | undefined;
  requestsPerSecond: number;
  p50: number;
  p99: number;
  ratio: number;
  serverCpuMicrosPerRequest: number;
  /** The median over rounds of (its requests/s ÷ the --seed server's in the same round) − 1. */
  change: number;
  /** Each round's change, in the order run. */
  changes: number[];
}

/** A Telemap server in its own process, on a scratch database seeded for the benchmark. */
interface SeededServer {
  seeded: Seeded;
  base: string;
  process: ChildProcess;
  /** Stops the server if it still runs, and drops its database. */
  stop(): Promise<void>;
}

async function startSeededServer(count: number, serverArgs: string[], name: string, extraEnv: Record<string, string> = {}): Promise<SeededServer> {
  const db = await scratchDatabase(dialect, 'http');
  try {
    console.log(`seeding ${count} customers with a device each (${dialect}) …`);
    const started = Date.now();
    const database = connectDatabase(db.target);
    let lastLog = 0;
    const seeded = await seed(database, count, 2000, (done) => {
      if (Date.now() - lastLog > 5000) {
        lastLog = Date.now();
        console.log(`  ${done} / ${count}`);
      }
    });
    await database.close();
    console.log(`seeded in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    const port = await freePort();
    const server = spawnNode(
      serverArgs,
      { DATABASE_URL: db.url, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: args['log-level']!, ...extraEnv },
      name,
    );
    const base = `http://127.0.0.1:${port}`;
    await waitFor(`${base}/healthz`);
    const stop = async () => {
      if (server.exitCode === null) {
        server.kill('SIGTERM');
        await new Promise((resolve) => server.once('exit', resolve));
      }
      await db.drop();
    };
    return { seeded, base, process: server, stop };
  } catch (error) {
    await db.drop();
    throw error;
  }
}

async function main(): Promise<void> {
  if (!args['skip-build']) {
    console.log('building dist/ …');
    execFileSync('npm', ['run', '-s', 'build'], { cwd: ROOT, stdio: 'inherit' });
  }
  const profileDir = join(RESULTS, 'profiles', `${Date.now()}`);
  const serverArgs = args.profile ? ['--cpu-prof', '--cpu-prof-dir', profileDir, 'dist/main.js'] : ['dist/main.js'];
  const servers: SeededServer[] = [];
  try {
    const primary = await startSeededServer(seedCount, serverArgs, 'telemap');
    servers.push(primary);
    const { seeded, base, process: server } = primary;
    if (args.stall) return await stallRun(base, seeded);
    const compared = comparing ? await startSeededServer(comparedSeed, ['dist/main.js'], 'telemap-compared', compareEnv) : undefined;
    const comparedScenarios = compared ? scenarios(compared.seeded) : [];
    if (compared) servers.push(compared);
    const floorPort = await freePort();
    const floorServer = spawnNode(['--import', 'tsx', 'bench/floor-server.ts'], { PORT: String(floorPort) }, 'floor');
    const floorBase = `http://127.0.0.1:${floorPort}`;
    await waitFor(floorBase);
    const rssAtStart = rssMb(server.pid!);

    const rows: Row[] = [];
    for (const scenario of scenarios(seeded)) {
      const conns = scenario.connections ?? connections;
      const check = await probe(base, seeded.apiKey, scenario);
      if (check.status !== 200) throw new Error(`${scenario.name}: probe answered ${check.status} ${check.body.slice(0, 300)}`);
      const load = (url: string, headers: Record<string, string>, seconds: number) =>
        runLoad({ url, method: scenario.method, headers, paths: scenario.paths, bodies: scenario.bodies, connections: conns, durationSeconds: seconds, background: scenario.background });
      const apiHeaders = { 'x-api-key': seeded.apiKey, 'content-type': 'application/json' };
      const floorHeaders = { 'content-type': 'application/json', 'x-floor-bytes': String(check.bytes) };
      if (counting && scenario.background) {
        // Counting sends one request at a time; a background load would make the count timing's again.
        console.log(`SKIPPED ${scenario.name}: --count does not run scenarios with a background load`);
        continue;
      }
      if (counting) {
        rows.push(countedRow(scenario, counting, { url: base, headers: apiHeaders, pid: server.pid! }, { url: floorBase, headers: floorHeaders, pid: floorServer.pid! }, check.bytes));
        continue;
      }
      // The compared server runs the same scenario built from its own seed (its own key, customers and devices).
      const comparedScenario = comparedScenarios.find((c) => c.name === scenario.name);
      const comparedLoad = compared && comparedScenario && {
        load: (seconds: number) =>
          runLoad({
            url: compared.base,
            method: comparedScenario.method,
            headers: { 'x-api-key': compared.seeded.apiKey, 'content-type': 'application/json' },
            paths: comparedScenario.paths,
            bodies: comparedScenario.bodies,
            connections: conns,
            durationSeconds: seconds,
            background: comparedScenario.background,
          }),
        pid: compared.process.pid!,
      };
      process.stdout.write(`${scenario.name}: `);
      if (warmup > 0) {
        process.stdout.write('warm-up, ');
        load(base, apiHeaders, warmup);
        comparedLoad?.load(warmup);
        load(floorBase, floorHeaders, warmup);
      }
      const timed = (pid: number, run: () => LoadResult) => {
        const cpuBefore = cpuSeconds(pid);
        const result = run();
        return { result, cpuMicrosPerRequest: ((cpuSeconds(pid) - cpuBefore) * 1e6) / Math.max(1, result.total) };
      };
      const measuredRuns: LoadResult[] = [];
      const floorRuns: LoadResult[] = [];
      const cpuPerRequest: number[] = [];
      const comparedRuns: LoadResult[] = [];
      const comparedCpuPerRequest: number[] = [];
      const comparedChanges: number[] = [];
      for (let round = 0; round < rounds; round++) {
        const runPrimary = () => {
          process.stdout.write('telemap, ');
          return timed(server.pid!, () => load(base, apiHeaders, duration));
        };
        const runCompared =
          comparedLoad &&
          (() => {
            process.stdout.write(`telemap ${comparedLabel}, `);
            return timed(comparedLoad.pid, () => comparedLoad.load(duration));
          });
        // The two servers take turns going first, so that neither always runs right after the floor.
        const comparedEarlier = runCompared && round % 2 === 1 ? runCompared() : undefined;
        const run = runPrimary();
        cpuPerRequest.push(run.cpuMicrosPerRequest);
        measuredRuns.push(run.result);
        if (runCompared) {
          const other = comparedEarlier ?? runCompared();
          comparedCpuPerRequest.push(other.cpuMicrosPerRequest);
          comparedRuns.push(other.result);
          comparedChanges.push(other.result.requestsPerSecond / run.result.requestsPerSecond - 1);
        }
        process.stdout.write('floor, ');
        floorRuns.push(load(floorBase, floorHeaders, duration));
      }
      const measured = medianRun(measuredRuns);
      const floor = medianRun(floorRuns);
      const rss = rssMb(server.pid!).rss;
      const row: Row = {
        scenario: scenario.name,
        kind: scenario.kind,
        connections: conns,
        requestsPerSecond: Math.round(measured.requestsPerSecond),
        p50: measured.p50,
        p99: measured.p99,
        non2xx: measured.non2xx,
        errors: measured.errors,
        failedRequests: [...measuredRuns, ...comparedRuns].reduce((sum, run) => sum + run.non2xx + run.errors, 0),
        responseBytes: check.bytes,
        floorRequestsPerSecond: Math.round(floor.requestsPerSecond),
        floorP50: floor.p50,
        floorP99: floor.p99,
        ratio: Math.round((measured.requestsPerSecond / floor.requestsPerSecond) * 100) / 100,
        serverCpuMicrosPerRequest: Math.round(median(cpuPerRequest)),
        serverRssMb: rss,
      };
      if (comparedRuns.length > 0) {
        const other = medianRun(comparedRuns);
        row.compare = {
          seed: comparedSeed,
          env: compareEnv,
          requestsPerSecond: Math.round(other.requestsPerSecond),
          p50: other.p50,
          p99: other.p99,
          ratio: Math.round((other.requestsPerSecond / floor.requestsPerSecond) * 100) / 100,
          serverCpuMicrosPerRequest: Math.round(median(comparedCpuPerRequest)),
          change: Math.round(median(comparedChanges) * 100) / 100,
          changes: comparedChanges.map((c) => Math.round(c * 100) / 100),
        };
      }
      const alongside = measured.backgroundRequestsPerSecond;
      if (alongside !== undefined) row.backgroundRequestsPerSecond = Math.round(alongside);
      console.log(
        `${row.requestsPerSecond} req/s (floor ${row.floorRequestsPerSecond})` +
          (alongside === undefined ? '' : `, p99.9 ${measured.p999} ms, background ${row.backgroundRequestsPerSecond} req/s`),
      );
      rows.push(row);
    }
    const rssAtEnd = rssMb(server.pid!);
    const comparedRss = compared && rssMb(compared.process.pid!);
    // Stopped before the profiles are read: the server writes its profile as it exits.
    await Promise.all(servers.map((s) => s.stop()));

    if (!counting) {
      printTable(rows);
      console.log(`server RSS: ${rssAtStart.rss} MB after start, ${rssAtEnd.rss} MB at the end, peak ${rssAtEnd.peak} MB`);
      if (comparedRss) {
        printComparedTable(rows);
        console.log(`server ${comparedLabel}, RSS: ${comparedRss.rss} MB at the end, peak ${comparedRss.peak} MB`);
      }
    } else {
      printInstructionTable(rows);
    }

    const result = {
      at: new Date().toISOString(),
      db: dialect,
      seed: seedCount,
      durationSeconds: duration,
      warmupSeconds: warmup,
      connections,
      rounds,
      count: counting?.requests,
      logLevel: args['log-level'],
      machine: { cpus: cpus().length, cpu: cpus()[0]?.model, node: process.version },
      serverRssMb: { start: rssAtStart.rss, end: rssAtEnd.rss, peak: rssAtEnd.peak },
      compared: comparedRss && { seed: comparedSeed, env: compareEnv, serverRssMb: { end: comparedRss.rss, peak: comparedRss.peak } },
      rows,
    };
    mkdirSync(RESULTS, { recursive: true });
    const mode = counting ? '-count' : '';
    const file = join(RESULTS, `${result.at.replace(/[:.]/g, '-')}-${dialect}-${seedCount}${mode}.json`);
    writeFileSync(file, JSON.stringify(result, null, 2) + '\n');
    console.log(`written to ${file}`);
    const failing = rows.filter((r) => (r.failedRequests ?? 0) > 0);
    if (failing.length > 0) {
      // Figures of failed requests measure the errors, not the work: the run is written, for a look, but fails.
      for (const r of failing) console.error(`FAILED: ${r.scenario}: ${r.failedRequests} requests answered non-2xx or not at all`);
      process.exitCode = 1;
    }

    if (args.profile) {
      const profiles = readdirSync(profileDir).filter((f) => f.endsWith('.cpuprofile'));
      for (const p of profiles) console.log(summarizeProfile(join(profileDir, p), 30));
    }
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
    const running = children.filter((child) => child.exitCode === null);
    for (const child of running) child.kill('SIGTERM');
    if (counting) {
      // valgrind writes a last dump as each server exits; the directory goes once they have.
      await Promise.all(running.map((child) => new Promise((resolve) => child.once('exit', resolve))));
      rmSync(counting.dir, { recursive: true, force: true });
    }
  }
}

/** --stall: the table of bench/stall.ts, written under bench/results/ like the load runs. */
async function stallRun(base: string, seeded: Seeded): Promise<void> {
  console.log('largest requests, one at a time, with /healthz asked alongside …');
  const { idleHealthzMs, rows } = await measureStalls(base, seeded);
  console.log(`\n/healthz with the server idle: longest wait ${idleHealthzMs} ms (${cpus().length} CPUs; machine load ${loadavg()[0]!.toFixed(2)})\n`);
  printMarkdown(
    ['endpoint', 'request', 'status', 'body bytes', 'request ms', 'longest /healthz ms'],
    rows.map((r) => [r.endpoint, r.request, String(r.status), String(r.bodyBytes), String(r.requestMs), String(r.longestHealthzMs)]),
  );
  mkdirSync(RESULTS, { recursive: true });
  const file = join(RESULTS, `stall-${dialect}-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, JSON.stringify({ dialect, seed: seedCount, idleHealthzMs, loadAverage: loadavg(), rows }, null, 2) + '\n');
  console.log(`written to ${file}`);
}

interface CountTarget {
  url: string;
  headers: Record<string, string>;
  /** The process running under callgrind. */
  pid: number;
}

/** --count: a scenario's instructions per request on Telemap and on the floor (bench/instruction-count.ts). */
function countedRow(
  scenario: Scenario,
  counting: { requests: number; dir: string },
  telemap: CountTarget,
  floor: CountTarget,
  responseBytes: number,
): Row {
  const amount = scenario.kind === 'bulk' ? Math.max(10, Math.round(counting.requests / 100)) : counting.requests;
  // One request at a time: under concurrent load, how many requests a server reads per turn of its event loop (and
  // so what it spends per request) depends on timing, and the counts moved by 10-20% between runs.
  const sequential = 1;
  const perRequest = (target: CountTarget, name: string): number => {
    const send = () =>
      runLoad({ url: target.url, method: scenario.method, headers: target.headers, paths: scenario.paths, bodies: scenario.bodies, connections: sequential, durationSeconds: 0, amount });
    // Warm-up: V8 compiles optimized code in the background, and under valgrind it arrived late and at varying
    // points; after a single batch of warm-up, the first scenario's counts moved by up to a third between runs.
    for (let batch = 0; batch < 3; batch++) send();
    // Three counted batches, and the median: a major garbage collection that falls into one batch moved a single
    // batch's count by up to 50%, on the floor as much as on Telemap.
    const batches: number[] = [];
    for (let batch = 0; batch < 3; batch++) {
      let result!: LoadResult;
      const instructions = countInstructions(counting.dir, name, target.pid, () => (result = send()));
      const failed = result.non2xx + result.errors;
      if (failed > 0) throw new Error(`${scenario.name}: ${failed} failed requests while counting`);
      batches.push(instructions / result.total);
    }
    return Math.round(batches.sort((a, b) => a - b)[1]!);
  };
  process.stdout.write(`${scenario.name}: 3 × ${amount} requests to warm up and 3 × ${amount} counted, telemap, `);
  const telemapCount = perRequest(telemap, 'telemap');
  process.stdout.write('floor, ');
  const floorCount = perRequest(floor, 'floor');
  console.log(`${telemapCount} instructions per request (floor ${floorCount})`);
  return {
    scenario: scenario.name,
    kind: scenario.kind,
    connections: sequential,
    responseBytes,
    instructionsPerRequest: telemapCount,
    floorInstructionsPerRequest: floorCount,
    instructionRatio: Math.round((floorCount / telemapCount) * 100) / 100,
  };
}

function printTable(rows: Row[]): void {
  const head = ['scenario', 'conns', 'req/s', 'p50 ms', 'p99 ms', 'floor req/s', 'ratio', 'CPU µs/req', 'failed'];
  const body = rows.map((r) => [
    r.scenario,
    String(r.connections),
    String(r.requestsPerSecond),
    String(r.p50),
    String(r.p99),
    String(r.floorRequestsPerSecond),
    r.ratio!.toFixed(2),
    String(r.serverCpuMicrosPerRequest),
    String(r.failedRequests),
  ]);
  printMarkdown(head, body);
}

function printComparedTable(rows: Row[]): void {
  const head = [
    'scenario',
    `req/s, ${primaryLabel}`,
    `req/s, ${comparedLabel}`,
    'change (rounds)',
    `CPU µs/req, ${primaryLabel}`,
    `CPU µs/req, ${comparedLabel}`,
    'CPU ratio',
    `p99 ms, ${comparedLabel}`,
  ];
  const body = rows
    .filter((r) => r.compare)
    .map((r) => {
      const c = r.compare!;
      const percent = (x: number) => `${x >= 0 ? '+' : ''}${Math.round(x * 100)}%`;
      const change = `${percent(c.change)} (${c.changes.map(percent).join(', ')})`;
      const cpuRatio = r.serverCpuMicrosPerRequest ? (c.serverCpuMicrosPerRequest / r.serverCpuMicrosPerRequest).toFixed(2) : '—';
      return [r.scenario, String(r.requestsPerSecond), String(c.requestsPerSecond), change, String(r.serverCpuMicrosPerRequest), String(c.serverCpuMicrosPerRequest), cpuRatio, String(c.p99)];
    });
  printMarkdown(head, body);
}

function printInstructionTable(rows: Row[]): void {
  const head = ['scenario', 'conns', 'instructions/req', 'floor instructions/req', 'floor / telemap'];
  const body = rows.map((r) => [
    r.scenario,
    String(r.connections),
    String(r.instructionsPerRequest),
    String(r.floorInstructionsPerRequest),
    r.instructionRatio!.toFixed(2),
  ]);
  printMarkdown(head, body);
}

function printMarkdown(head: string[], body: string[][]): void {
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: string[]) => '| ' + cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ') + ' |';
  console.log('\n' + line(head));
  console.log('|' + widths.map((w) => '-'.repeat(w + 2)).join('|') + '|');
  for (const b of body) console.log(line(b));
  console.log();
}

if (args.ingest) {
  const { runIngestBench } = await import('./ingest.js');
  await runIngestBench({ dialect, durationSeconds: duration, warmupSeconds: warmup, skipBuild: args['skip-build']!, profile: args.profile!, only: args.only });
} else if (args.mqtt) {
  await (await import('./mqtt.js')).runMqttBench({ dialect, duration, warmup, profile: args.profile });
} else {
  await main();
}
