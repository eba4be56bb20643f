// The embedded MQTT broker (contract §2.3): devices connect with their token as the username and publish the three
// device shapes; the PUBACK of a QoS 1 publish follows the commit; bad, revoked and replaced tokens, other topics,
// subscriptions and invalid payloads are refused as the contract says. Real MQTT over TCP, on both dialects.
import assert from 'node:assert/strict';
import { after, it } from 'node:test';
import type { MqttClient } from 'mqtt';
import pg from 'pg';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { issueDeviceToken, revokeDeviceToken } from '../../src/domain/telemetry/device-tokens.js';
import { latestReadings } from '../../src/domain/telemetry/read.js';
import { describeEachDialect, describeDialect } from '../support/harness.js';
import {
  closedByBroker,
  connackCode,
  connectDevice,
  DEVICE_TOPIC,
  endClient,
  publishAcked,
  publishQos0,
  publishRefused,
} from '../support/mqtt.js';
import { until } from '../support/until.js';
import { ingestErrors, MQTT_ENV, newDevice, readingCount } from './devices.js';
import { sessionsWaitingForALock } from '../support/postgres.js';

describeEachDialect(
  'MQTT embedded broker',
  (h) => {
    const clients: MqttClient[] = [];
    const port = () => h.app.mqttIngest.broker!.port;
    const device = async (token: string) => {
      const client = await connectDevice(port(), token);
      clients.push(client);
      return client;
    };
    after(() => {
      for (const client of clients) client.end(true);
    });

    it('listens on an ephemeral port when TELEMAP_MQTT_PORT is 0', () => {
      assert.ok(port() > 0);
    });

    it('stores the three shapes at QoS 1, committed by the time each PUBACK arrives', async () => {
      const org = await h.newOrg();
      const { deviceId, token } = await newDevice(h, org, 'SN-QOS1');
      const client = await device(token);
      const ts = h.clock.now().getTime() - 60_000;
      const before = h.clock.now().getTime();

      await publishAcked(client, DEVICE_TOPIC, JSON.stringify({ temperature: 21.5, door: 'closed', online: true }));
      // Read at once, no polling: the PUBACK is the promise that the readings are there.
      let latest = await latestReadings(h.ctx, org.organizationId, deviceId);
      assert.deepEqual(Object.keys(latest).sort(), ['door', 'online', 'temperature']);
      assert.equal(latest.temperature!.value, 21.5);
      assert.equal(latest.door!.value, 'closed');
      assert.equal(latest.online!.value, true);
      assert.ok(latest.temperature!.ts >= before, 'a reading without ts gets the receive time');

      await publishAcked(client, DEVICE_TOPIC, JSON.stringify({ ts: ts, values: { humidity: 40 } }));
      latest = await latestReadings(h.ctx, org.organizationId, deviceId);
      assert.deepEqual(latest.humidity, { ts, value: 40 });

      await publishAcked(
        client,
        DEVICE_TOPIC,
        JSON.stringify([
          { ts: ts + 1000, values: { pressure: 1013 } },
          { ts: ts + 2000, values: { pressure: 1014 } },
        ]),
      );
      latest = await latestReadings(h.ctx, org.organizationId, deviceId);
      assert.deepEqual(latest.pressure, { ts: ts + 2000, value: 1014 });
      assert.equal(await readingCount(h, deviceId), 6);
      // The same through the API.
      const res = await h.request({ method: 'GET', url: `/api/v1/devices/${deviceId}/telemetry/latest`, headers: { 'x-api-key': org.apiKey } });
      assert.equal(res.statusCode, 200, res.body);
      assert.deepEqual(res.json().data.pressure, { ts: ts + 2000, value: 1014 });
      assert.deepEqual(res.json().data.door, { ts: latest.door!.ts, value: 'closed' });
    });

    it('stores the three shapes at QoS 0', async () => {
      const org = await h.newOrg();
      const { deviceId, token } = await newDevice(h, org, 'SN-QOS0');
      const client = await device(token);
      const ts = h.clock.now().getTime() - 60_000;
      await publishQos0(client, DEVICE_TOPIC, JSON.stringify({ temperature: 19 }));
      await publishQos0(client, DEVICE_TOPIC, JSON.stringify({ ts, values: { humidity: 41 } }));
      await publishQos0(client, DEVICE_TOPIC, JSON.stringify([{ ts: ts + 1, values: { pressure: 1000 } }]));
      await until(
        async () => Object.keys(await latestReadings(h.ctx, org.organizationId, deviceId)).length === 3,
        'QoS 0 readings not stored',
        15_000,
      );
      const latest = await latestReadings(h.ctx, org.organizationId, deviceId);
      assert.equal(latest.temperature!.value, 19);
      assert.deepEqual(latest.humidity, { ts, value: 41 });
      assert.deepEqual(latest.pressure, { ts: ts + 1, value: 1000 });
    });

    it('refuses a missing, unknown or malformed token at CONNECT with return code 5', async () => {
      assert.equal(await connackCode(port(), undefined), 5);
      assert.equal(await connackCode(port(), 'tlmd_' + 'x'.repeat(40)), 5);
      assert.equal(await connackCode(port(), 'not-a-token'), 5);
      // An organization API key is not a device token.
      const org = await h.newOrg();
      assert.equal(await connackCode(port(), org.apiKey), 5);
    });

    it('refuses a revoked token at CONNECT and on the next publish of a connection already open', async () => {
      const org = await h.newOrg();
      const { deviceId, token } = await newDevice(h, org, 'SN-REVOKED');
      const client = await device(token);
      await publishAcked(client, DEVICE_TOPIC, JSON.stringify({ temperature: 1 }));

      assert.equal(await revokeDeviceToken(h.ctx, org.organizationId, deviceId), true);
      assert.deepEqual(await publishRefused(client, DEVICE_TOPIC, JSON.stringify({ temperature: 2 })), { acknowledged: false });
      assert.equal((await latestReadings(h.ctx, org.organizationId, deviceId)).temperature!.value, 1);
      assert.equal(await connackCode(port(), token), 5);
    });

    it('refuses a replaced token at CONNECT and on the next publish; the new one works', async () => {
      const org = await h.newOrg();
      const { deviceId, token: first } = await newDevice(h, org, 'SN-REISSUED');
      const old = await device(first);
      await publishAcked(old, DEVICE_TOPIC, JSON.stringify({ temperature: 1 }));

      const { token: second } = await issueDeviceToken(h.ctx, org.organizationId, deviceId);
      assert.deepEqual(await publishRefused(old, DEVICE_TOPIC, JSON.stringify({ temperature: 2 })), { acknowledged: false });
      assert.equal(await connackCode(port(), first), 5);

      const fresh = await device(second);
      await publishAcked(fresh, DEVICE_TOPIC, JSON.stringify({ temperature: 3 }));
      assert.equal((await latestReadings(h.ctx, org.organizationId, deviceId)).temperature!.value, 3);
    });

    it('disconnects a client that publishes to another topic, and stores nothing of it', async () => {
      const org = await h.newOrg();
      const { deviceId, token } = await newDevice(h, org, 'SN-TOPIC');
      for (const topic of ['v1/devices/me/attributes', 'telemetry', `v1/devices/${deviceId}/telemetry`]) {
        const client = await device(token);
        assert.deepEqual(await publishRefused(client, topic, JSON.stringify({ temperature: 99 })), { acknowledged: false });
      }
      assert.deepEqual(await latestReadings(h.ctx, org.organizationId, deviceId), {});
    });

    it('refuses subscriptions (SUBACK failure 0x80)', async () => {
      const org = await h.newOrg();
      const { token } = await newDevice(h, org, 'SN-SUB');
      const client = await device(token);
      await assert.rejects(client.subscribeAsync(DEVICE_TOPIC, { qos: 1 }), (error: { packet?: { granted?: number[] } }) => {
        assert.deepEqual(error.packet?.granted, [128]);
        return true;
      });
      // The connection stays: the device may go on publishing.
      assert.equal(client.connected, true);
    });

    it('drops an invalid payload, counts it on the device, and keeps the connection', async () => {
      const org = await h.newOrg();
      const { deviceId, token } = await newDevice(h, org, 'SN-INVALID');
      const client = await device(token);
      // Acknowledged (a QoS 1 message refused for its content would otherwise come back forever), not stored.
      await publishAcked(client, DEVICE_TOPIC, JSON.stringify({ temperature: 20, broken: null }));
      let errors = await ingestErrors(h, deviceId);
      assert.equal(errors.count, 1);
      assert.match(errors.last!, /broken/);
      await publishAcked(client, DEVICE_TOPIC, '{"temperature": 2');
      await publishAcked(client, DEVICE_TOPIC, JSON.stringify({ ts: h.clock.now().getTime() + 3_600_000, values: { t: 1 } }));
      errors = await ingestErrors(h, deviceId);
      assert.equal(errors.count, 3);
      assert.equal(await readingCount(h, deviceId), 0, 'all or nothing: the valid key of a refused payload is not stored');

      await publishAcked(client, DEVICE_TOPIC, JSON.stringify({ temperature: 20 }));
      assert.equal((await latestReadings(h.ctx, org.organizationId, deviceId)).temperature!.value, 20);
    });

    it("a device's token writes only that device's readings", async () => {
      const org = await h.newOrg();
      const other = await h.newOrg();
      const mine = await newDevice(h, org, 'SN-MINE');
      const sibling = await newDevice(h, org, 'SN-SIBLING');
      const foreign = await newDevice(h, other, 'SN-MINE');
      const client = await device(mine.token);
      await publishAcked(client, DEVICE_TOPIC, JSON.stringify({ temperature: 42 }));
      assert.equal((await latestReadings(h.ctx, org.organizationId, mine.deviceId)).temperature!.value, 42);
      assert.deepEqual(await latestReadings(h.ctx, org.organizationId, sibling.deviceId), {});
      assert.deepEqual(await latestReadings(h.ctx, other.organizationId, foreign.deviceId), {});
    });

    it('many devices publishing at once each get their own readings, all acknowledged', async () => {
      const org = await h.newOrg();
      const devices = await Promise.all(Array.from({ length: 10 }, (_, i) => newDevice(h, org, `SN-MANY-${i}`)));
      const connected = await Promise.all(devices.map((d) => device(d.token)));
      const base = h.clock.now().getTime() - 100_000;
      await Promise.all(
        connected.flatMap((client, i) =>
          Array.from({ length: 20 }, (_, n) => publishAcked(client, DEVICE_TOPIC, JSON.stringify({ ts: base + n, values: { index: i, n } }))),
        ),
      );
      for (const [i, d] of devices.entries()) {
        assert.equal(await readingCount(h, d.deviceId), 40);
        assert.deepEqual((await latestReadings(h.ctx, org.organizationId, d.deviceId)).index, { ts: base + 19, value: i });
      }
      await Promise.all(connected.map(endClient));
    });
  },
  MQTT_ENV,
);

/**
 * The locker's transaction locks the device's row, which the ingest transaction updates (last seen); the device then
 * publishes a reading, and once its commit waits for that lock, this returns the publish and whether its PUBACK came.
 */
async function publishHeldByALock(locker: pg.Client, client: MqttClient, deviceId: string) {
  await locker.query('begin');
  await locker.query('select id from devices where id = $1 for update', [deviceId]);
  let acknowledged = false;
  const published = publishAcked(client, DEVICE_TOPIC, JSON.stringify({ temperature: 2 })).then(() => {
    acknowledged = true;
  });
  await until(async () => (await sessionsWaitingForALock(locker)) > 0, 'the ingest transaction never waited for the lock', 15_000);
  return { published, acknowledged: () => acknowledged };
}

// A PUBACK waits for the commit: while another session holds a lock the commit needs, the publish stays
// unacknowledged; once the lock goes, the PUBACK comes and the readings are there. A broker that is closed meanwhile
// stops accepting, lets that commit finish and its PUBACK go out, and only then closes the connection.
// PostgreSQL only: on SQLite, a writer waiting for the lock blocks this very process's event loop, test included.
describeDialect(
  'postgres',
  'MQTT embedded broker, with a commit held by a lock',
  (h) => {
    it('holds the PUBACK while the commit waits for a lock', async () => {
      const org = await h.newOrg();
      const { deviceId, token } = await newDevice(h, org, 'SN-LOCKED');
      const client = await connectDevice(h.app.mqttIngest.broker!.port, token);
      // A first reading creates the series, so that the next one updates its row.
      await publishAcked(client, DEVICE_TOPIC, JSON.stringify({ temperature: 1 }));

      const locker = new pg.Client({ connectionString: h.databaseUrl });
      await locker.connect();
      try {
        const held = await publishHeldByALock(locker, client, deviceId);
        assert.equal(held.acknowledged(), false, 'PUBACK sent while the commit was blocked');
        await locker.query('rollback');
        await held.published;
        assert.equal((await latestReadings(h.ctx, org.organizationId, deviceId)).temperature!.value, 2);
      } finally {
        await locker.end();
        await endClient(client);
      }
    });

    it('on close, finishes the commit under way and sends its PUBACK before closing the connection', async () => {
      const org = await h.newOrg();
      const { deviceId, token } = await newDevice(h, org, 'SN-STOPPING');
      // A server of its own on the same database, to be closed here.
      const config = loadConfig({ DATABASE_URL: h.databaseUrl, LOG_LEVEL: 'silent', TELEMAP_MQTT_PORT: '0' });
      const app = await buildApp({ config, database: h.database, logger: false });
      await app.ready();
      const port = app.mqttIngest.broker!.port;
      const client = await connectDevice(port, token);
      await publishAcked(client, DEVICE_TOPIC, JSON.stringify({ temperature: 1 }));

      const locker = new pg.Client({ connectionString: h.databaseUrl });
      await locker.connect();
      try {
        const held = await publishHeldByALock(locker, client, deviceId);

        const closing = app.close();
        // Stopped accepting, with the commit still held and the connection still open.
        await until(
          async () => (await connackCode(port, token).then(() => 'accepted', () => 'refused')) === 'refused',
          'the broker still accepts connections while stopping',
          15_000,
        );
        assert.equal(held.acknowledged(), false);
        assert.equal(client.connected, true);
        const closed = closedByBroker(client);
        await locker.query('rollback');
        await held.published;
        await closing;
        await closed;
        assert.equal((await latestReadings(h.ctx, org.organizationId, deviceId)).temperature!.value, 2);
      } finally {
        await locker.end();
        client.end(true);
        await app.close();
      }
    });
  },
  MQTT_ENV,
);
