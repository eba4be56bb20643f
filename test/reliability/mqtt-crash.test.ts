// MQTT durability: a server process killed with SIGKILL while devices publish at QoS 1 to its embedded broker
// keeps every reading whose PUBACK a device received.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { MqttClient } from 'mqtt';
import { seedDevice } from '../support/dashboard.js';
import { describeEachDialect } from '../support/harness.js';
import { connectDevice, DEVICE_TOPIC, publishAcked } from '../support/mqtt.js';
import { freePort, startServer } from '../support/server-process.js';
import { issueToken, storedReadings } from '../domain/telemetry/support.js';

const DEVICES = 8;
/** QoS 1 publishes each device keeps in flight: several, so that commits are batched when the kill comes. */
const IN_FLIGHT_PER_DEVICE = 8;
/** The kill comes once this many PUBACKs arrived (or after KILL_AFTER_MS, whichever is first). */
const KILL_AFTER_ACKS = 400;
const KILL_AFTER_MS = 10_000;

describeEachDialect('MQTT crash durability', (h) => {
  it('keeps every reading acknowledged with a PUBACK across a SIGKILL', async (t) => {
    const org = await h.newOrg('MQTT crash');
    const devices: { id: string; token: string }[] = [];
    for (let i = 0; i < DEVICES; i++) {
      const id = await seedDevice(h, org.organizationId, `mqtt-crash-${i}`);
      devices.push({ id, token: await issueToken(h, org.apiKey, id) });
    }
    const mqttPort = await freePort();
    const env = { DATABASE_URL: h.databaseUrl, LOG_LEVEL: 'warn', TELEMAP_MQTT_PORT: String(mqttPort) };
    const server = await startServer(env);
    const clients: MqttClient[] = await Promise.all(devices.map((d) => connectDevice(mqttPort, d.token)));

    /** Per device: the ts of each reading whose PUBACK arrived. */
    const acknowledged = new Map<string, number[]>(devices.map((d) => [d.id, []]));
    let acks = 0;
    let stopped = false;
    let killNow: () => void = () => undefined;
    const killSignal = new Promise<void>((resolve) => (killNow = resolve));
    const start = Date.now() - 3_600_000;

    // Each lane publishes one reading after another; a device's lanes interleave their timestamps.
    const lane = async (device: (typeof devices)[number], client: MqttClient, index: number, laneIndex: number) => {
      for (let n = 0; !stopped; n++) {
        const ts = start + (n * IN_FLIGHT_PER_DEVICE + laneIndex) * DEVICES + index;
        try {
          await publishAcked(client, DEVICE_TOPIC, JSON.stringify({ ts, values: { seq: n } }));
        } catch {
          return;
        }
        acknowledged.get(device.id)!.push(ts);
        if (++acks >= KILL_AFTER_ACKS) killNow();
      }
    };
    const load = Promise.all(
      devices.flatMap((device, index) =>
        Array.from({ length: IN_FLIGHT_PER_DEVICE }, (_, laneIndex) => lane(device, clients[index]!, index, laneIndex)),
      ),
    );
    await Promise.race([killSignal, new Promise((resolve) => setTimeout(resolve, KILL_AFTER_MS))]);
    server.child.kill('SIGKILL');
    await server.exited;
    stopped = true;
    // MQTT.js keeps unacknowledged QoS 1 messages for a reconnect: ending the clients settles them as failed.
    await Promise.all(clients.map((client) => new Promise<void>((resolve) => client.end(true, {}, () => resolve()))));
    await load;
    t.diagnostic(`killed after ${acks} PUBACKs`);
    assert.ok(acks > 0, 'the load ran before the kill');
    assert.ok(!server.output().includes(devices[0]!.token), 'a device token reached the log');

    const restarted = await startServer(env);
    try {
      for (const device of devices) {
        const stored = new Set((await storedReadings(h, device.id)).filter((r) => r.key === 'seq').map((r) => r.ts));
        for (const ts of acknowledged.get(device.id)!) assert.ok(stored.has(ts), `acknowledged reading ${ts} of ${device.id} lost`);
      }
      // The restarted server's broker takes readings again.
      const client = await connectDevice(mqttPort, devices[0]!.token);
      await publishAcked(client, DEVICE_TOPIC, JSON.stringify({ after: 1 }));
      client.end(true);
      assert.ok((await storedReadings(h, devices[0]!.id)).some((r) => r.key === 'after'));
    } finally {
      restarted.child.kill('SIGKILL');
      await restarted.exited;
    }
  });
});
