// `npx tsx bench/alerts.ts [--db sqlite|postgres] [--devices 1000] [--seconds 10] [--connections 4] [--profile]`
//
// The rules' cost and speed under batch ingest, against the compiled server (run `npm run build` first):
//   1. ingest throughput: batches of one reading per device for every device (POST /api/v1/telemetry/batch),
//      from --connections loops for --seconds, with no rules, then again with five enabled rules that do not fire
//      (threshold, threshold for a duration, count, anomaly, inactivity), so each reading is judged five times;
//   2. alert latency while that ingest runs: a reading over a threshold is sent for a fresh device, and the time
//      from its 202 to its alert being readable through GET /api/v1/alerts is measured (p50, p99).
// Each ingest run also reports the server process's CPU time per reading, steadier than throughput on a shared
// machine. --profile runs the server with --cpu-prof and prints its top self-time functions at the end.
import { cpuSeconds, freePort } from './processes.js';
import { summarizeProfile } from './profile-summary.js';
import { scratchDatabase } from './scratch-database.js';
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { systemClock } from '../src/clock.js';
import { loadConfig } from '../src/config.js';
import { connectDatabase } from '../src/db/connect.js';
import { migrateToLatest } from '../src/db/migrate.js';
import { newId } from '../src/domain/ids.js';
import { createOrganizationWithKey } from '../src/domain/orgs/service.js';

const { values: args } = parseArgs({
  options: {
    db: { type: 'string', default: 'sqlite' },
    devices: { type: 'string', default: '1000' },
    seconds: { type: 'string', default: '10' },
    connections: { type: 'string', default: '4' },
    profile: { type: 'boolean', default: false },
  },
});
const DEVICES = Number(args.devices);
const SECONDS = Number(args.seconds);
const CONNECTIONS = Number(args.connections);
const LATENCY_DEVICES = 200;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function main(): Promise<void> {
  const scratch = await scratchDatabase(args.db === 'postgres' ? 'postgres' : 'sqlite', 'alerts');
  const config = loadConfig({ DATABASE_URL: scratch.url });
  const database = connectDatabase(config.database);
  await migrateToLatest(database);
  const { organizationId, firstKey } = await createOrganizationWithKey({ database, clock: systemClock }, { name: 'Bench alerts' });
  const apiKey = firstKey.apiKey;
  const now = new Date().toISOString();
  const identifiers = Array.from({ length: DEVICES }, (_, i) => `TH-${String(i).padStart(6, '0')}`);
  const latencyIdentifiers = Array.from({ length: LATENCY_DEVICES }, (_, i) => `LAT-${i}`);
  const rows = [...identifiers, ...latencyIdentifiers].map((identifier) => ({
    id: newId(), organization_id: organizationId, identifier, type: 'thermostat', metadata: '{"firmware":"1.0"}', created_at: now, updated_at: now,
  }));
  for (let i = 0; i < rows.length; i += 500) await database.db.insertInto('devices').values(rows.slice(i, i + 500)).execute();
  await database.close();

  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const profileDir = mkdtempSync(join(tmpdir(), 'telemap-alerts-profile-'));
  const profileArgs = args.profile ? ['--cpu-prof', '--cpu-prof-dir', profileDir] : [];
  const server = spawn(process.execPath, [...profileArgs, fileURLToPath(new URL('../dist/main.js', import.meta.url))], {
    env: { ...process.env, DATABASE_URL: scratch.url, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  server.on('exit', (code, signal) => {
    if (!stopping) console.error(`server exited early: ${code ?? signal}`);
  });
  let stopping = false;
  try {
    for (;;) {
      try {
        if ((await fetch(`${base}/healthz`)).ok) break;
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    const post = (path: string, body: unknown) =>
      fetch(`${base}${path}`, { method: 'POST', headers: { 'x-api-key': apiKey, 'content-type': 'application/json' }, body: JSON.stringify(body) });

    let ts = Date.now() - 60 * 60_000;
    const ingestFor = async (ms: number): Promise<{ perSecond: number; cpuUsPerReading: number }> => {
      let readings = 0;
      const cpuBefore = cpuSeconds(server.pid!);
      const until = Date.now() + ms;
      await Promise.all(
        Array.from({ length: CONNECTIONS }, async () => {
          while (Date.now() < until) {
            const at = (ts += 1);
            const body = Object.fromEntries(identifiers.map((id, i) => [id, { ts: at, values: { temperature: 20 + ((i + at) % 7) } }]));
            const res = await post('/api/v1/telemetry/batch', body);
            if (res.status !== 202) throw new Error(`batch answered ${res.status}: ${await res.text()}`);
            readings += DEVICES;
          }
        }),
      );
      return { perSecond: readings / (ms / 1000), cpuUsPerReading: ((cpuSeconds(server.pid!) - cpuBefore) * 1e6) / readings };
    };

    await ingestFor(2000); // warm-up
    const withoutRules = await ingestFor(SECONDS * 1000);
    const rules = [
      { name: 'Overheating', condition: { kind: 'threshold', key: 'temperature', op: '>', value: 1000 } },
      { name: 'Hot for a while', condition: { kind: 'threshold', key: 'temperature', op: '>', value: 500, forSeconds: 600 } },
      { name: 'Cold thrice', condition: { kind: 'threshold', key: 'temperature', op: '<', value: -50, count: 3 } },
      { name: 'Odd temperature', condition: { kind: 'anomaly', key: 'temperature', zScore: 50, minSamples: 10 } },
      { name: 'Silent', condition: { kind: 'inactivity', timeoutSeconds: 3600 } },
    ];
    for (const rule of rules) {
      const res = await post('/api/v1/rules', { ...rule, deviceType: 'thermostat', createTicket: false });
      if (res.status !== 201) throw new Error(`rule answered ${res.status}: ${await res.text()}`);
    }
    await ingestFor(2000); // warm-up: the rule states of every device are created here
    const withRules = await ingestFor(SECONDS * 1000);

    // Latency while ingest runs.
    const latencies: number[] = [];
    const background = ingestFor(SECONDS * 1000);
    const samples = latencyIdentifiers.slice(0, Math.min(LATENCY_DEVICES, SECONDS * 10));
    const ids = new Map<string, string>();
    for (const identifier of samples) ids.set(identifier, await deviceIdOf(identifier));
    for (const identifier of samples) {
      const res = await post('/api/v1/telemetry/batch', { [identifier]: { temperature: 2000 } });
      const accepted = performance.now();
      if (res.status !== 202) throw new Error(`reading answered ${res.status}`);
      const deviceId = ids.get(identifier)!;
      for (;;) {
        const list = (await (await fetch(`${base}/api/v1/alerts?status=open&deviceId=${deviceId}`, { headers: { 'x-api-key': apiKey } })).json()) as { data: unknown[] };
        if (list.data.length > 0) break;
      }
      latencies.push(performance.now() - accepted);
      await new Promise((r) => setTimeout(r, 50));
    }
    await background;
    latencies.sort((a, b) => a - b);

    console.log(`\n${args.db}: ${DEVICES} devices, ${CONNECTIONS} connections, ${SECONDS} s per run`);
    const cpu = (run: { cpuUsPerReading: number }) => `server CPU ${run.cpuUsPerReading.toFixed(1)} µs/reading`;
    console.log(`ingest without rules: ${withoutRules.perSecond.toFixed(0)} readings/s, ${cpu(withoutRules)}`);
    console.log(
      `ingest with 5 rules:  ${withRules.perSecond.toFixed(0)} readings/s (${((withRules.perSecond / withoutRules.perSecond - 1) * 100).toFixed(1)} %), ${cpu(withRules)} (${((withRules.cpuUsPerReading / withoutRules.cpuUsPerReading - 1) * 100).toFixed(1)} %)`,
    );
    console.log(`alert latency from 202 to readable, under ingest: p50 ${percentile(latencies, 50).toFixed(1)} ms, p99 ${percentile(latencies, 99).toFixed(1)} ms (${latencies.length} alerts)`);

    async function deviceIdOf(identifier: string): Promise<string> {
      // A search matches fragments (LAT-1 finds LAT-10 too): ask for the largest page and pick the exact identifier.
      const url = `${base}/api/v1/devices?q=${encodeURIComponent(identifier)}&limit=100`;
      const res = (await (await fetch(url, { headers: { 'x-api-key': apiKey } })).json()) as { data: Array<{ id: string; identifier: string }> };
      const device = res.data.find((d) => d.identifier === identifier);
      if (!device) throw new Error(`device ${identifier} not found`);
      return device.id;
    }
  } finally {
    stopping = true;
    server.kill('SIGTERM');
    await new Promise((r) => server.once('exit', r));
    if (args.profile) {
      for (const file of readdirSync(profileDir).filter((name) => name.endsWith('.cpuprofile'))) console.log(summarizeProfile(join(profileDir, file), 40));
    }
    rmSync(profileDir, { recursive: true, force: true });
    await scratch.drop();
  }
}

await main();
