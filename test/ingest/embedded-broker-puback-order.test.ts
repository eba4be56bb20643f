// MQTT 3.1.1 §4.6: the embedded broker sends a connection's PUBACKs in the order its QoS 1 publishes arrived, even
// when a dropped payload is done long before the commit of an earlier valid one, and when the valid ones commit in
// two batches. A raw client sends them all in one write and reads the PUBACKs in the order they come. Both dialects.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { latestReadings } from '../../src/domain/telemetry/read.js';
import { describeEachDialect } from '../support/harness.js';
import { DEVICE_TOPIC } from '../support/mqtt.js';
import { ingestErrors, MQTT_ENV, newDevice, readingCount } from './devices.js';
import { publishPacket, RawMqttClient } from './raw-mqtt-client.js';

/** More than half the readings one commit takes (10,000): two such messages commit in two batches. */
const LARGE = 6000;

function manyReadings(firstTs: number, count: number): string {
  return JSON.stringify(Array.from({ length: count }, (_, i) => ({ ts: firstTs + i, values: { level: i } })));
}

describeEachDialect(
  'MQTT embedded broker, PUBACK order',
  (h) => {
    it('acknowledges QoS 1 publishes in the order they arrived, valid and dropped ones mixed, over two batches', async () => {
      const org = await h.newOrg();
      const { deviceId, token } = await newDevice(h, org, 'SN-ORDER');
      const client = await RawMqttClient.connectDevice(h.app.mqttIngest.broker!.port, token);
      const base = h.clock.now().getTime() - 3_600_000;
      const publishes: Array<{ id: number; payload: string; qos: 0 | 1 }> = [
        { id: 1, payload: manyReadings(base, LARGE), qos: 1 },
        { id: 2, payload: 'not json', qos: 1 },
        { id: 3, payload: manyReadings(base + LARGE, LARGE), qos: 1 },
        // No readings at all: nothing to commit.
        { id: 4, payload: '{}', qos: 1 },
        { id: 5, payload: JSON.stringify({ broken: null }), qos: 1 },
        { id: 6, payload: JSON.stringify({ temperature: 1 }), qos: 1 },
        { id: 0, payload: JSON.stringify({ humidity: 2 }), qos: 0 },
        { id: 7, payload: '[', qos: 1 },
        { id: 8, payload: JSON.stringify({ pressure: 3 }), qos: 1 },
      ];
      client.send(Buffer.concat(publishes.map((p) => publishPacket(DEVICE_TOPIC, p.payload, p.qos, p.id))));

      assert.deepEqual(await client.pubackIds(8), [1, 2, 3, 4, 5, 6, 7, 8]);
      assert.equal(await readingCount(h, deviceId), 2 * LARGE + 3);
      const latest = await latestReadings(h.ctx, org.organizationId, deviceId);
      assert.deepEqual(latest.level, { ts: base + 2 * LARGE - 1, value: LARGE - 1 });
      assert.equal(latest.pressure!.value, 3);
      assert.deepEqual(await ingestErrors(h, deviceId), { count: 3, last: 'payload is not valid JSON' });

      // Publishes sent one by one after that are acknowledged in order too, on the same connection.
      client.send(publishPacket(DEVICE_TOPIC, 'nope', 1, 9));
      client.send(publishPacket(DEVICE_TOPIC, JSON.stringify({ temperature: 2 }), 1, 10));
      assert.deepEqual(await client.pubackIds(2), [9, 10]);
      await client.end();
    });
  },
  MQTT_ENV,
);
