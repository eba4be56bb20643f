// The external broker (contract §2.3): two server processes on one PostgreSQL database join one shared subscription
// on the Mosquitto at 127.0.0.1:1883; every message published at QoS 1 is committed exactly once, by one process or
// the other, both take part, and messages for an unknown organization or device are dropped. The broker is shared
// by every run on the machine: the share group, client ids and organizations are this run's own.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { connect as connectTcp } from 'node:net';
import { after, describe, it } from 'node:test';
import pg from 'pg';
import { systemClock } from '../../src/clock.js';
import { connectDatabase, type Database } from '../../src/db/connect.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import { newId } from '../../src/domain/ids.js';
import { createOrganizationWithKey } from '../../src/domain/orgs/service.js';
import { SUBSCRIBER_CONNECTIONS } from '../../src/ingest/external-subscriber.js';
import { scratchDatabase } from '../support/harness.js';
import { connectClient, endClient, publishAcked } from '../support/mqtt.js';
import { postgresUnavailableReason, sessionsWaitingForALock } from '../support/postgres.js';
import { startServer, type ServerProcess } from '../support/server-process.js';
import { until } from '../support/until.js';

const BROKER_URL = 'mqtt://127.0.0.1:1883';
const DEVICES = 5;
const MESSAGES = 300;

async function brokerUnavailableReason(): Promise<string | undefined> {
  return new Promise((resolve) => {
    const socket = connectTcp(1883, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(undefined);
    });
    socket.once('error', () => resolve('no MQTT broker at 127.0.0.1:1883'));
  });
}

interface LogLine {
  msg?: string;
  messages?: number;
  dropped?: number;
  organizationId?: string;
  deviceIdentifier?: string;
}

function logLines(server: ServerProcess): LogLine[] {
  return server
    .output()
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as LogLine);
}

const skip = (await postgresUnavailableReason()) ?? (await brokerUnavailableReason());

describe('MQTT external broker, shared subscription [postgres]', { skip: skip ?? false }, () => {
  const servers: ServerProcess[] = [];
  let database: Database | undefined;
  let drop: (() => Promise<void>) | undefined;
  const run = randomUUID().slice(0, 8);
  const group = `test-${run}`;
  const clientIds = [`telemap-test-${run}-a`, `telemap-test-${run}-b`];

  after(async () => {
    for (const server of servers) server.child.kill('SIGKILL');
    await Promise.all(servers.map((s) => s.exited));
    // The processes' sessions outlive them on purpose; a clean connection under each id ends them on the broker.
    for (const id of clientIds) {
      for (let n = 0; n < SUBSCRIBER_CONNECTIONS; n++) {
        const client = await connectClient(BROKER_URL, { clientId: `${id}-${n}`, clean: true, protocolVersion: 5 });
        await endClient(client);
      }
    }
    await database?.close();
    await drop?.();
  });

  it('commits each message once across two processes, and drops unknown organizations and devices', async () => {
    const scratch = await scratchDatabase('postgres');
    drop = scratch.drop;
    database = connectDatabase(scratch.target, { poolSize: 2 });
    await migrateToLatest(database);
    const { organizationId } = await createOrganizationWithKey({ database, clock: systemClock }, { name: 'MQTT external' });
    const devices: { id: string; identifier: string }[] = [];
    for (let i = 0; i < DEVICES; i++) {
      const id = newId();
      const identifier = `SN-EXT-${i}`;
      const now = new Date().toISOString();
      await database.db
        .insertInto('devices')
        .values({ id, organization_id: organizationId, identifier, type: 'thermostat', metadata: '{}', created_at: now, updated_at: now })
        .execute();
      devices.push({ id, identifier });
    }

    for (const clientId of clientIds) {
      servers.push(
        await startServer({
          DATABASE_URL: scratch.url,
          LOG_LEVEL: 'info',
          TELEMAP_MQTT_URL: BROKER_URL,
          TELEMAP_MQTT_SHARE_GROUP: group,
          TELEMAP_MQTT_CLIENT_ID: clientId,
        }),
      );
    }
    for (const server of servers) {
      await until(
        () => logLines(server).some((line) => line.msg === 'MQTT subscriber connected to the external broker'),
        `not subscribed:\n${server.output()}`,
        30_000,
      );
    }

    const publisher = await connectClient(BROKER_URL, { clientId: `telemap-test-${run}-publisher` });
    try {
      const unknownOrganization = randomUUID();
      await publishAcked(publisher, `telemap/${unknownOrganization}/devices/SN-EXT-0/telemetry`, JSON.stringify({ t: 1 }));
      await publishAcked(publisher, `telemap/${organizationId}/devices/SN-NOT-REGISTERED/telemetry`, JSON.stringify({ t: 1 }));
      // A registered device's invalid payload: dropped too, and counted on the device.
      await publishAcked(publisher, `telemap/${organizationId}/devices/SN-EXT-0/telemetry`, JSON.stringify({ t: null }));

      const start = Date.now() - 3_600_000;
      await Promise.all(
        Array.from({ length: MESSAGES }, (_, n) => {
          const device = devices[n % DEVICES]!;
          return publishAcked(publisher, `telemap/${organizationId}/devices/${device.identifier}/telemetry`, JSON.stringify({ ts: start + n, values: { seq: n } }));
        }),
      );

      const stored = async () => {
        const row = await database!.db
          .selectFrom('readings as r')
          .innerJoin('telemetry_series as s', 's.id', 'r.series_id')
          .select((eb) => eb.fn.countAll<string>().as('n'))
          .where('s.organization_id', '=', organizationId)
          .executeTakeFirstOrThrow();
        return Number(row.n);
      };
      await until(async () => (await stored()) === MESSAGES, 'not every message was stored', 60_000);
      const dropped = () => servers.flatMap(logLines).filter((line) => line.msg?.startsWith('mqtt: message dropped'));
      await until(() => dropped().length === 2, 'the unknown organization and device were not both dropped', 30_000);
      assert.deepEqual(dropped().map((line) => line.msg).sort(), ['mqtt: message dropped: unknown device', 'mqtt: message dropped: unknown organization']);
      const errorCount = async () =>
        Number(
          (await database!.db.selectFrom('devices').select('ingest_error_count').where('id', '=', devices[0]!.id).executeTakeFirstOrThrow())
            .ingest_error_count,
        );
      await until(async () => (await errorCount()) === 1, 'the invalid payload was not counted on its device', 30_000);
    } finally {
      await endClient(publisher);
    }

    // Each process says, as it stops, how many messages it committed: together, each message once.
    for (const server of servers) server.child.kill('SIGTERM');
    for (const server of servers) assert.equal(await server.exited, 0, server.output());
    const committed = servers.map((server) => {
      const stopped = logLines(server).find((line) => line.msg === 'MQTT subscriber stopped');
      assert.ok(stopped, server.output());
      return stopped.messages!;
    });
    assert.equal(committed[0]! + committed[1]!, MESSAGES, `per process: ${committed.join(', ')}`);
    for (const count of committed) assert.ok(count > 0, `a process took no part: ${committed.join(', ')}`);

    // Every reading once, per device.
    for (const [index, device] of devices.entries()) {
      const rows = await database.db
        .selectFrom('readings as r')
        .innerJoin('telemetry_series as s', 's.id', 'r.series_id')
        .select(['r.ts', 'r.num'])
        .where('s.device_id', '=', device.id)
        .orderBy('r.ts')
        .execute();
      const expected = Array.from({ length: MESSAGES }, (_, n) => n).filter((n) => n % DEVICES === index);
      assert.deepEqual(
        rows.map((row) => row.num),
        expected,
      );
    }
  });

  it('a message not committed when its process is killed is sent again to the restarted process', async () => {
    const scratch = await scratchDatabase('postgres');
    const db = connectDatabase(scratch.target, { poolSize: 2 });
    const clientId = `telemap-test-${run}-crash`;
    clientIds.push(clientId);
    const started: ServerProcess[] = [];
    const locker = new pg.Client({ connectionString: scratch.url });
    try {
      await migrateToLatest(db);
      const { organizationId } = await createOrganizationWithKey({ database: db, clock: systemClock }, { name: 'MQTT redelivery' });
      const deviceId = newId();
      const now = new Date().toISOString();
      await db.db
        .insertInto('devices')
        .values({ id: deviceId, organization_id: organizationId, identifier: 'SN-REDELIVER', type: 'thermostat', metadata: '{}', created_at: now, updated_at: now })
        .execute();
      const env = {
        DATABASE_URL: scratch.url,
        LOG_LEVEL: 'info',
        TELEMAP_MQTT_URL: BROKER_URL,
        TELEMAP_MQTT_SHARE_GROUP: `${group}-crash`,
        TELEMAP_MQTT_CLIENT_ID: clientId,
      };
      const subscribed = (server: ServerProcess) =>
        until(
          () => logLines(server).some((line) => line.msg === 'MQTT subscriber connected to the external broker'),
          `not subscribed:\n${server.output()}`,
          30_000,
        );
      const first = await startServer(env);
      started.push(first);
      await subscribed(first);

      // The device row is locked, so the process takes the message but cannot commit it.
      await locker.connect();
      await locker.query('begin');
      await locker.query('select id from devices where id = $1 for update', [deviceId]);
      const publisher = await connectClient(BROKER_URL, { clientId: `telemap-test-${run}-crash-publisher` });
      const ts = Date.now() - 60_000;
      await publishAcked(publisher, `telemap/${organizationId}/devices/SN-REDELIVER/telemetry`, JSON.stringify({ ts, values: { temperature: 7 } }));
      await endClient(publisher);
      await until(async () => (await sessionsWaitingForALock(locker)) > 0, 'the commit never waited for the lock', 30_000);
      first.child.kill('SIGKILL');
      await first.exited;
      await locker.query('rollback');

      const stored = async () =>
        (await db.db.selectFrom('telemetry_series').select('latest_num').where('device_id', '=', deviceId).executeTakeFirst())?.latest_num;
      assert.equal(await stored(), undefined, 'committed although its transaction was blocked');
      // Restarted under the same client id, the process resumes its session, and the broker sends the message again.
      const second = await startServer(env);
      started.push(second);
      await until(async () => (await stored()) === 7, 'the unacknowledged message was not sent again', 30_000);
    } finally {
      await locker.end().catch(() => undefined);
      for (const server of started) server.child.kill('SIGKILL');
      await Promise.all(started.map((s) => s.exited));
      await db.close();
      await scratch.drop();
    }
  });
});
