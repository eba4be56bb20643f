// The embedded broker's packet size limit, through raw MQTT over TCP on both dialects: a packet announcing more than
// the limit closes the connection as soon as its header arrives, before its body is sent, and stores nothing; a
// packet at the limit is read, its payload checked as always; the broker goes on serving other devices.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { latestReadings } from '../../src/domain/telemetry/read.js';
import { MAX_PACKET_REMAINING_LENGTH } from '../../src/ingest/packet-size-guard.js';
import { MAX_PAYLOAD_BYTES } from '../../src/ingest/payload.js';
import { describeEachDialect, type Harness } from '../support/harness.js';
import { connectDevice, DEVICE_TOPIC, endClient, publishAcked } from '../support/mqtt.js';
import { ingestErrors, MQTT_ENV, newDevice, readingCount } from './devices.js';
import { connectPacket, encodeLength, publishHeader, publishPacket, RawMqttClient } from './raw-mqtt-client.js';

/** The largest remaining length MQTT can express (4 length bytes). */
const LARGEST_REMAINING_LENGTH = 268_435_455;

/** A valid JSON payload of exactly `size` bytes: one reading, padded with whitespace. */
function paddedPayload(size: number): string {
  const json = JSON.stringify({ temperature: 21.5 });
  return json + ' '.repeat(size - json.length);
}

/** A device on MQTT.js still gets its publish acknowledged and stored: the broker has not stalled. */
async function brokerStillServes(h: Harness, identifier: string): Promise<void> {
  const org = await h.newOrg();
  const { deviceId, token } = await newDevice(h, org, identifier);
  const client = await connectDevice(h.app.mqttIngest.broker!.port, token);
  await publishAcked(client, DEVICE_TOPIC, JSON.stringify({ humidity: 40 }));
  await endClient(client);
  assert.equal((await latestReadings(h.ctx, org.organizationId, deviceId)).humidity!.value, 40);
}

describeEachDialect(
  'MQTT embedded broker, packet size limit',
  (h) => {
    const port = () => h.app.mqttIngest.broker!.port;

    it('closes the connection at the header of a PUBLISH announcing more than the limit, and stores nothing', async () => {
      const org = await h.newOrg();
      const { deviceId, token } = await newDevice(h, org, 'SN-OVERSIZED');
      for (const remainingLength of [MAX_PACKET_REMAINING_LENGTH + 1, LARGEST_REMAINING_LENGTH]) {
        const client = await RawMqttClient.connectDevice(port(), token);
        const payloadLength = remainingLength - (2 + DEVICE_TOPIC.length + 2);
        // Only the header and the payload's first bytes are sent: the broker must not wait for the rest.
        client.send(Buffer.concat([publishHeader(DEVICE_TOPIC, payloadLength, 1, 1), Buffer.from('{"temperature": 1')]));
        await client.closed;
        assert.deepEqual(client.received.slice(1), [], 'no PUBACK');
      }
      assert.equal(await readingCount(h, deviceId), 0);
      assert.deepEqual(await ingestErrors(h, deviceId), { count: 0, last: null });
      await brokerStillServes(h, 'SN-AFTER-OVERSIZED');
    });

    it('reads a PUBLISH at the limit and checks its payload as always; one a byte over closes the connection', async () => {
      const org = await h.newOrg();
      const { deviceId, token } = await newDevice(h, org, 'SN-AT-LIMIT');
      const client = await RawMqttClient.connectDevice(port(), token);
      const payloadAtLimit = MAX_PACKET_REMAINING_LENGTH - (2 + DEVICE_TOPIC.length + 2);
      assert.ok(payloadAtLimit > MAX_PAYLOAD_BYTES);
      // Over the payload limit, within the packet limit: read in full, dropped and acknowledged.
      client.send(publishPacket(DEVICE_TOPIC, paddedPayload(payloadAtLimit), 1, 7));
      assert.deepEqual(await client.pubackIds(1), [7]);
      assert.deepEqual(await ingestErrors(h, deviceId), { count: 1, last: `payload is larger than ${MAX_PAYLOAD_BYTES} bytes` });

      client.send(publishPacket(DEVICE_TOPIC, paddedPayload(payloadAtLimit + 1), 1, 8));
      await client.closed;
      assert.deepEqual(client.received.slice(2), [], 'no PUBACK');
      assert.equal(await readingCount(h, deviceId), 0);
      assert.equal((await ingestErrors(h, deviceId)).count, 1);
    });

    it('stores a payload of exactly 1 MiB; a byte more is dropped by the payload check and acknowledged', async () => {
      const org = await h.newOrg();
      const { deviceId, token } = await newDevice(h, org, 'SN-ONE-MIB');
      const client = await connectDevice(port(), token);
      await publishAcked(client, DEVICE_TOPIC, paddedPayload(MAX_PAYLOAD_BYTES));
      assert.equal((await latestReadings(h.ctx, org.organizationId, deviceId)).temperature!.value, 21.5);
      assert.deepEqual(await ingestErrors(h, deviceId), { count: 0, last: null });

      await publishAcked(client, DEVICE_TOPIC, paddedPayload(MAX_PAYLOAD_BYTES + 1));
      assert.deepEqual(await ingestErrors(h, deviceId), { count: 1, last: `payload is larger than ${MAX_PAYLOAD_BYTES} bytes` });
      assert.equal(await readingCount(h, deviceId), 1);
      assert.equal(client.connected, true);
      await endClient(client);
    });

    it('closes a connection whose CONNECT announces more than the limit, before any CONNACK', async () => {
      const client = await RawMqttClient.open(port());
      const connect = connectPacket('tlmd_whatever');
      client.send(Buffer.concat([Buffer.from([0x10]), encodeLength(MAX_PACKET_REMAINING_LENGTH + 1), connect.subarray(2, 40)]));
      await client.closed;
      assert.deepEqual(client.received, []);
      await brokerStillServes(h, 'SN-AFTER-CONNECT');
    });

    it('closes a connection whose packet has a remaining length longer than 4 bytes', async () => {
      const org = await h.newOrg();
      const { deviceId, token } = await newDevice(h, org, 'SN-MALFORMED');
      const client = await RawMqttClient.connectDevice(port(), token);
      client.send(Buffer.from([0x32, 0x80, 0x80, 0x80, 0x80, 0x01]));
      await client.closed;
      assert.deepEqual(client.received.slice(1), []);
      assert.equal(await readingCount(h, deviceId), 0);
      await brokerStillServes(h, 'SN-AFTER-MALFORMED');
    });
  },
  MQTT_ENV,
);
