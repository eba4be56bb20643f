// `npm run bench -- --mqtt [--db sqlite|postgres] [--duration S] [--warmup S] [--profile]`: QoS 1 publishes from
// 100 device connections to the embedded MQTT broker of a server in its own process, each connection keeping a few
// publishes in flight. Counts PUBACKs over the measured window (a PUBACK follows the commit, so each is a message
// stored), and reports messages/s, readings/s and the server's peak RSS. Checks at the end that the database holds
// every acknowledged reading.
import { freePort, rssMb } from './processes.js';
import { scratchDatabase } from './scratch-database.js';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { connect, type MqttClient } from 'mqtt';
import { connectDatabase } from '../src/db/connect.js';
import { migrateToLatest } from '../src/db/migrate.js';
import { systemClock } from '../src/clock.js';
import { newId } from '../src/domain/ids.js';
import { createOrganizationWithKey } from '../src/domain/orgs/service.js';
import { issueDeviceToken } from '../src/domain/telemetry/device-tokens.js';
import { summarizeProfile } from './profile-summary.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const DEVICES = 100;
/** QoS 1 publishes each connection keeps unacknowledged at a time (firmware with a small send window). */
const IN_FLIGHT_PER_DEVICE = 8;
/** Readings per message: a device reporting a handful of values at once. */
const KEYS = ['temperature', 'humidity', 'pressure', 'battery', 'rssi'];

export interface MqttBenchOptions {
  dialect: 'sqlite' | 'postgres';
  duration: number;
  warmup: number;
  profile: boolean;
}

export async function runMqttBench(options: MqttBenchOptions): Promise<void> {
  const scratch = await scratchDatabase(options.dialect, 'mqtt');
  const database = connectDatabase(scratch.target, { poolSize: 2 });
  let server: ChildProcess | undefined;
  const clients: MqttClient[] = [];
  const profileDir = mkdtempSync(join(tmpdir(), 'telemap-mqtt-profile-'));
  try {
    await migrateToLatest(database);
    const ctx = { database, clock: systemClock };
    const { organizationId } = await createOrganizationWithKey(ctx, { name: 'MQTT bench' });
    const tokens: string[] = [];
    const now = new Date().toISOString();
    for (let i = 0; i < DEVICES; i++) {
      const id = newId();
      await database.db
        .insertInto('devices')
        .values({ id, organization_id: organizationId, identifier: `BENCH-${i}`, type: 'sensor', metadata: '{}', created_at: now, updated_at: now })
        .execute();
      tokens.push((await issueDeviceToken(ctx, organizationId, id)).token);
    }

    const mqttPort = await freePort();
    const nodeArgs = options.profile ? ['--cpu-prof', '--cpu-prof-dir', profileDir] : [];
    server = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', 'src/main.ts'], {
      cwd: ROOT,
      env: { ...process.env, DATABASE_URL: scratch.url, PORT: String(await freePort()), HOST: '127.0.0.1', LOG_LEVEL: 'warn', TELEMAP_MQTT_PORT: String(mqttPort) },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    for (const token of tokens) clients.push(await connectWhenListening(mqttPort, token));

    let acks = 0;
    let measuring = false;
    let measuredAcks = 0;
    let running = true;
    const started = Date.now() - 3_600_000;
    let sequence = 0;
    const lane = async (client: MqttClient) => {
      while (running) {
        const ts = started + sequence++;
        const values = Object.fromEntries(KEYS.map((key, k) => [key, (ts % 1000) + k]));
        await client.publishAsync('v1/devices/me/telemetry', JSON.stringify({ ts, values }), { qos: 1 });
        acks++;
        if (measuring) measuredAcks++;
      }
    };
    const load = Promise.all(clients.flatMap((client) => Array.from({ length: IN_FLIGHT_PER_DEVICE }, () => lane(client))));
    await sleep(options.warmup * 1000);
    measuring = true;
    const from = process.hrtime.bigint();
    await sleep(options.duration * 1000);
    measuring = false;
    const seconds = Number(process.hrtime.bigint() - from) / 1e9;
    const measured = measuredAcks;
    running = false;
    await load;
    const memory = rssMb(server.pid!);

    const stored = await database.db.selectFrom('readings').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
    const messagesPerSecond = measured / seconds;
    console.log(`\nMQTT ingest, embedded broker, ${options.dialect}: ${DEVICES} device connections, ${IN_FLIGHT_PER_DEVICE} QoS 1 publishes in flight each, ${KEYS.length} readings per message`);
    console.log(`  measured ${seconds.toFixed(1)} s after ${options.warmup} s of warm-up`);
    console.log(`  messages/s  ${Math.round(messagesPerSecond)}`);
    console.log(`  readings/s  ${Math.round(messagesPerSecond * KEYS.length)}`);
    console.log(`  server RSS  ${memory.rss} MiB now, ${memory.peak} MiB peak`);
    console.log(`  stored      ${stored.n} readings for ${acks} acknowledged messages (${acks * KEYS.length} readings)`);
    if (Number(stored.n) < acks * KEYS.length) throw new Error('acknowledged readings are missing from the database');
  } finally {
    await Promise.all(clients.map((client) => client.endAsync(true)));
    if (server && server.exitCode === null) {
      server.kill('SIGTERM');
      await new Promise((resolve) => server!.once('exit', resolve));
    }
    if (options.profile) {
      for (const file of readdirSync(profileDir).filter((f) => f.endsWith('.cpuprofile'))) console.log(summarizeProfile(join(profileDir, file), 30));
    }
    rmSync(profileDir, { recursive: true, force: true });
    await database.close();
    await scratch.drop();
  }
}

async function connectWhenListening(port: number, token: string): Promise<MqttClient> {
  for (let attempt = 0; ; attempt++) {
    try {
      const client = connect(`mqtt://127.0.0.1:${port}`, { username: token, protocolVersion: 4, reconnectPeriod: 0 });
      await new Promise<void>((resolve, reject) => {
        client.once('connect', () => resolve());
        client.once('error', reject);
        client.once('close', () => reject(new Error('closed')));
      });
      return client;
    } catch (error) {
      if (attempt > 300) throw error;
      await sleep(100);
    }
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

