// `npm run bench [-- options]`: Telemap under load, against the floor of this machine.
//
// This file holds the options and hands them, checked and typed, to one mode: the HTTP scenarios (bench/http.ts),
// --count (bench/count.ts), --stall (bench/stall.ts), --ingest (bench/ingest.ts) or --mqtt (bench/mqtt.ts).
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
//   --compare-ref REF      the same, for code: the second server runs the commit REF names (a hash, a branch, a tag),
//                          checked out with `git worktree add --detach` into a temporary directory, installed with
//                          that commit's own lockfile (`npm ci`, which needs the npm registry; minutes, mostly
//                          compiling better-sqlite3) and built; its database is migrated and seeded by that commit's
//                          own bench/seed.ts. The worktree is removed at the end, also on failure or Ctrl-C.
//                          Combines with --compare-seed and --compare-env (applied to REF's server). The CPU ratio is
//                          REF's CPU time per request over this checkout's: below 0.952, this checkout spends over 5%
//                          more (docs/performance/benchmark.md has how to check that rule against a baseline).
//   --only a,b             scenarios to run (names as printed)
//   --log-level L          the server's LOG_LEVEL (default warn; info writes one access-log line per request)
//   --profile              run the server (and the compared one) with --cpu-prof and print the top self-time functions
//   --skip-build           use dist/ as it is
//   --ingest               the telemetry ingest scenarios instead (bench/ingest.ts): batch path against the storage
//                          limit, device path against the floor; takes --db, --duration, --warmup, --skip-build,
//                          --profile, and --only batch|device
//   --mqtt                 instead of the HTTP scenarios: QoS 1 publishes from 100 device connections to the embedded
//                          MQTT broker (bench/mqtt.ts), with --db, --duration, --warmup and --profile
//   --count N              count instructions instead of timing (bench/count.ts): both servers run under
//                          valgrind's callgrind, and each scenario sends 3 × N requests to warm up, then three
//                          batches of N to count (a hundredth of N for bulk-metadata), one at a time; prints the median
//                          batch's instructions per request of each server's main thread, and their ratio. Far
//                          steadier than time on a noisy machine (README); user space only.
//   --stall                instead of the load scenarios: the longest /healthz wait while the largest request each
//                          endpoint accepts (or refuses) runs, one at a time (bench/stall.ts, docs/security.md);
//                          takes --db, --seed, --log-level and --skip-build
import { parseArgs } from 'node:util';

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
    'compare-env': { type: 'string' },
    'compare-ref': { type: 'string' },
    stall: { type: 'boolean', default: false },
    ingest: { type: 'boolean', default: false },
  },
});

function positiveInteger(option: string, value: string): number {
  const n = Number(value);
  if (!(Number.isInteger(n) && n > 0)) throw new Error(`--${option} takes a positive integer (got "${value}")`);
  return n;
}

function seconds(option: string, value: string): number {
  const n = Number(value);
  if (!(Number.isFinite(n) && n >= 0)) throw new Error(`--${option} takes a number of seconds (got "${value}")`);
  return n;
}

function parseEnvList(list: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const pair of list.split(',')) {
    const at = pair.indexOf('=');
    if (at <= 0) throw new Error(`--compare-env takes KEY=VALUE pairs separated by commas (got "${pair}")`);
    env[pair.slice(0, at).trim()] = pair.slice(at + 1).trim();
  }
  return env;
}

if (args.db !== 'sqlite' && args.db !== 'postgres') throw new Error(`--db takes sqlite or postgres (got "${args.db}")`);
const dialect: 'sqlite' | 'postgres' = args.db;
const seed = positiveInteger('seed', args.seed!);
const durationSeconds = seconds('duration', args.duration!);
const warmupSeconds = seconds('warmup', args.warmup!);
const connections = positiveInteger('connections', args.connections!);
const rounds = positiveInteger('rounds', args.rounds!);
const only = args.only?.split(',').map((s) => s.trim());
const logLevel = args['log-level']!;
const skipBuild = args['skip-build']!;
const profile = args.profile!;

const mode = args.ingest ? 'ingest' : args.mqtt ? 'mqtt' : args.stall ? 'stall' : args.count !== undefined ? 'count' : 'http';
const compareOptions = (['compare-seed', 'compare-env', 'compare-ref'] as const).filter((o) => args[o] !== undefined);
if (compareOptions.length > 0 && mode !== 'http') {
  throw new Error(`--${compareOptions[0]} compares timed runs of the HTTP scenarios; it does not combine with --${mode}`);
}

if (mode === 'ingest') {
  const { runIngestBench } = await import('./ingest.js');
  await runIngestBench({ dialect, durationSeconds, warmupSeconds, skipBuild, profile, only: args.only });
} else if (mode === 'mqtt') {
  const { runMqttBench } = await import('./mqtt.js');
  await runMqttBench({ dialect, duration: durationSeconds, warmup: warmupSeconds, profile });
} else if (mode === 'stall') {
  const { runStallBench } = await import('./stall.js');
  await runStallBench({ dialect, seed, logLevel, skipBuild });
} else if (mode === 'count') {
  const { runCountBench } = await import('./count.js');
  const requests = positiveInteger('count', args.count!);
  await runCountBench({ dialect, seed, requests, only, logLevel, skipBuild, recorded: { durationSeconds, warmupSeconds, connections, rounds } });
} else {
  const { runHttpBench } = await import('./http.js');
  const compareSeed = args['compare-seed'] === undefined ? undefined : positiveInteger('compare-seed', args['compare-seed']);
  const compareEnv = args['compare-env'] === undefined ? undefined : parseEnvList(args['compare-env']);
  const compareRef = args['compare-ref'];
  if (compareRef !== undefined && !/^[^\s-][^\s]*$/.test(compareRef)) throw new Error(`--compare-ref takes a commit, branch or tag (got "${compareRef}")`);
  const compare =
    compareOptions.length === 0
      ? undefined
      : {
          seed: compareSeed ?? seed,
          env: compareEnv,
          ref: compareRef,
          label: [compareSeed === undefined ? '' : String(compareSeed), args['compare-env'] ?? '', compareRef ?? ''].filter(Boolean).join(' '),
          primaryLabel: compareSeed === undefined ? 'as is' : String(seed),
        };
  await runHttpBench({ dialect, seed, durationSeconds, warmupSeconds, connections, rounds, only, logLevel, profile, skipBuild, compare });
}
