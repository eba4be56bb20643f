// `npm run bench`: the HTTP scenarios (bench/http-scenarios.ts) against the compiled server and against the floor of
// this machine (bench/floor-server.ts), each driven from a process of its own (bench/load.ts) at the same
// concurrency; optionally against a second server in the same rounds (--compare-seed, --compare-env,
// --compare-ref). Prints the tables (bench/tables.ts) and writes them as JSON under bench/results/.
import type { ChildProcess } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { LoadResult, LoadScenario } from './load.js';
import { apiHeaders, floorHeaders, httpScenarios, probe, type Scenario } from './http-scenarios.js';
import { cpuSeconds, freePort, rssMb, runLoadProcess, spawnNode, stopAllProcesses, waitFor } from './processes.js';
import { summarizeProfile } from './profile-summary.js';
import { checkOutRef, type Checkout } from './ref-checkout.js';
import { fileTime, machine, RESULTS, writeResult } from './results.js';
import { buildDist, CALLGRIND_START_MS, startSeededServer, type SeededServer } from './seeded-server.js';
import { median, medianRun } from './stats.js';
import { printComparedTable, printTable, type Row } from './tables.js';

export interface HttpBenchOptions {
  dialect: 'sqlite' | 'postgres';
  /** Customers of the (first) server's database. */
  seed: number;
  durationSeconds: number;
  warmupSeconds: number;
  connections: number;
  rounds: number;
  /** Scenarios whose names start with one of these; all when undefined. */
  only?: string[];
  logLevel: string;
  /** Run the servers with --cpu-prof and print their top self-time functions. */
  profile: boolean;
  skipBuild: boolean;
  /** A second server, measured in the same rounds. */
  compare?: CompareOptions;
}

export interface CompareOptions {
  /** Customers of its database. */
  seed: number;
  /** Environment variables added to its environment (--compare-env). */
  env?: Record<string, string>;
  /** The commit whose code it runs (--compare-ref); default: this checkout's. */
  ref?: string;
  /** Its column's heading, and the first server's. */
  label: string;
  primaryLabel: string;
}

/** The bare node:http server every scenario is measured against, in its own process. */
export async function startFloor(callgrindDir?: string): Promise<{ base: string; process: ChildProcess }> {
  const port = await freePort();
  const floor = spawnNode(['--import', 'tsx', 'bench/floor-server.ts'], { PORT: String(port) }, {
    callgrind: callgrindDir === undefined ? undefined : { dir: callgrindDir, name: 'floor' },
  });
  const base = `http://127.0.0.1:${port}`;
  await waitFor(base, callgrindDir === undefined ? undefined : CALLGRIND_START_MS);
  return { base, process: floor };
}

export const runLoad = (scenario: LoadScenario): LoadResult => runLoadProcess<LoadScenario, LoadResult>('load.ts', scenario);

/** A run of `load` and the CPU time the server `pid` spent per answered request meanwhile. */
function timed(pid: number, load: () => LoadResult): { result: LoadResult; cpuMicrosPerRequest: number } {
  const cpuBefore = cpuSeconds(pid);
  const result = load();
  return { result, cpuMicrosPerRequest: ((cpuSeconds(pid) - cpuBefore) * 1e6) / Math.max(1, result.total) };
}

/** Drives one scenario, for `seconds`, against the server at `base` (with its own seed's key) or the floor. */
function loader(scenario: Scenario, connections: number) {
  return (base: string, headers: Record<string, string>, seconds: number) =>
    runLoad({
      url: base,
      method: scenario.method,
      headers,
      paths: scenario.paths,
      bodies: scenario.bodies,
      connections,
      durationSeconds: seconds,
      background: scenario.background,
    });
}

export async function runHttpBench(options: HttpBenchOptions): Promise<void> {
  const { compare } = options;
  if (!options.skipBuild) buildDist();
  const profileDir = join(RESULTS, 'profiles', `${Date.now()}`);
  const comparedProfileDir = `${profileDir}-compared`;
  const profileArgs = (dir: string) => (options.profile ? ['--cpu-prof', '--cpu-prof-dir', dir] : []);
  const servers: SeededServer[] = [];
  let checkout: Checkout | undefined;
  try {
    // The other commit first: if it cannot be checked out or built, nothing has been seeded in vain.
    if (compare?.ref) checkout = checkOutRef(compare.ref);
    const serverOptions = { dialect: options.dialect, logLevel: options.logLevel };
    const primary = await startSeededServer({ ...serverOptions, count: options.seed, name: 'telemap', nodeArgs: profileArgs(profileDir) });
    servers.push(primary);
    const compared =
      compare &&
      (await startSeededServer({
        ...serverOptions,
        count: compare.seed,
        name: 'telemap-compared',
        env: compare.env,
        checkout,
        nodeArgs: profileArgs(comparedProfileDir),
      }));
    if (compared) servers.push(compared);
    const floor = await startFloor();
    const rssAtStart = rssMb(primary.process.pid!);

    const rows: Row[] = [];
    for (const scenario of httpScenarios(primary.seeded, options.only)) {
      // The compared server runs the same scenario built from its own seed (its own key, customers and devices).
      const comparedScenario = compared && httpScenarios(compared.seeded).find((c) => c.name === scenario.name);
      rows.push(await measureScenario(options, scenario, primary, floor.base, compared && comparedScenario && { server: compared, scenario: comparedScenario }));
    }
    const rssAtEnd = rssMb(primary.process.pid!);
    const comparedRss = compared && rssMb(compared.process.pid!);
    // Stopped before the profiles are read: the server writes its profile as it exits.
    await Promise.all(servers.map((s) => s.stop()));

    printTable(rows);
    console.log(`server RSS: ${rssAtStart.rss} MB after start, ${rssAtEnd.rss} MB at the end, peak ${rssAtEnd.peak} MB`);
    if (compare && comparedRss) {
      printComparedTable(rows, { primary: compare.primaryLabel, compared: compare.label });
      console.log(`server ${compare.label}, RSS: ${comparedRss.rss} MB at the end, peak ${comparedRss.peak} MB`);
    }

    const at = new Date().toISOString();
    writeResult(`${fileTime(at)}-${options.dialect}-${options.seed}.json`, {
      at,
      db: options.dialect,
      seed: options.seed,
      durationSeconds: options.durationSeconds,
      warmupSeconds: options.warmupSeconds,
      connections: options.connections,
      rounds: options.rounds,
      logLevel: options.logLevel,
      machine: machine(),
      serverRssMb: { start: rssAtStart.rss, end: rssAtEnd.rss, peak: rssAtEnd.peak },
      compared: comparedRss && {
        seed: compare!.seed,
        env: compare!.env,
        ...(checkout ? { ref: checkout.ref, commit: checkout.commit } : {}),
        serverRssMb: { end: comparedRss.rss, peak: comparedRss.peak },
      },
      rows,
    });
    const failing = rows.filter((r) => (r.failedRequests ?? 0) > 0);
    if (failing.length > 0) {
      // Figures of failed requests measure the errors, not the work: the run is written, for a look, but fails.
      for (const r of failing) console.error(`FAILED: ${r.scenario}: ${r.failedRequests} requests answered non-2xx or not at all`);
      process.exitCode = 1;
    }

    if (options.profile) {
      const summaries = (dir: string) =>
        readdirSync(dir)
          .filter((f) => f.endsWith('.cpuprofile'))
          .map((p) => summarizeProfile(join(dir, p), 30));
      for (const summary of summaries(profileDir)) console.log(summary);
      if (compare) for (const summary of summaries(comparedProfileDir)) console.log(`server ${compare.label}:\n${summary}`);
    }
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
    await stopAllProcesses();
    checkout?.remove();
  }
}

/** The scenario's row: `rounds` runs against each server and the floor, taking turns. */
async function measureScenario(
  options: HttpBenchOptions,
  scenario: Scenario,
  primary: SeededServer,
  floorBase: string,
  compared: { server: SeededServer; scenario: Scenario } | undefined,
): Promise<Row> {
  const conns = scenario.connections ?? options.connections;
  const check = await probe(primary.base, primary.seeded.apiKey, scenario);
  if (check.status !== 200) throw new Error(`${scenario.name}: probe answered ${check.status} ${check.body.slice(0, 300)}`);
  const load = loader(scenario, conns);
  const primaryLoad = (seconds: number) => load(primary.base, apiHeaders(primary.seeded.apiKey), seconds);
  const floorLoad = (seconds: number) => load(floorBase, floorHeaders(check.bytes), seconds);
  const comparedLoad = compared && ((seconds: number) => loader(compared.scenario, conns)(compared.server.base, apiHeaders(compared.server.seeded.apiKey), seconds));
  const label = options.compare?.label;

  process.stdout.write(`${scenario.name}: `);
  if (options.warmupSeconds > 0) {
    process.stdout.write('warm-up, ');
    primaryLoad(options.warmupSeconds);
    comparedLoad?.(options.warmupSeconds);
    floorLoad(options.warmupSeconds);
  }
  const measuredRuns: LoadResult[] = [];
  const floorRuns: LoadResult[] = [];
  const cpuPerRequest: number[] = [];
  const comparedRuns: LoadResult[] = [];
  const comparedCpuPerRequest: number[] = [];
  const comparedChanges: number[] = [];
  for (let round = 0; round < options.rounds; round++) {
    const runPrimary = () => {
      process.stdout.write('telemap, ');
      return timed(primary.process.pid!, () => primaryLoad(options.durationSeconds));
    };
    const runCompared =
      comparedLoad &&
      (() => {
        process.stdout.write(`telemap ${label}, `);
        return timed(compared.server.process.pid!, () => comparedLoad(options.durationSeconds));
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
    floorRuns.push(floorLoad(options.durationSeconds));
  }
  const measured = medianRun(measuredRuns);
  const floor = medianRun(floorRuns);
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
    serverRssMb: rssMb(primary.process.pid!).rss,
  };
  if (comparedRuns.length > 0) {
    const other = medianRun(comparedRuns);
    row.compare = {
      seed: options.compare!.seed,
      env: options.compare!.env,
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
  return row;
}
