// A connection's dropped payloads are recorded one after another, in the order they arrived (embedded-broker.ts,
// `errorsRecorded`), so that the device's last ingest error is the last bad payload it sent. Recorded side by side,
// they would race each other for the device row, and the last error would be whichever won.
//
// Racing is what a plain test cannot see: the recordings usually finish in the order they started. So here another
// session holds the device row, which a valid publish's commit updates (last seen) and so does each recording: the
// commit of the first publish and the recording of the first dropped payload wait for it, and while they do, the
// dropped payloads after it must not have started their recordings. PostgreSQL shows which statements wait.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sql } from 'kysely';
import pg from 'pg';
import { describeDialect, type Harness } from '../support/harness.js';
import { DEVICE_TOPIC } from '../support/mqtt.js';
import { until } from '../support/until.js';
import { ingestErrors, MQTT_ENV, newDevice, readingCount } from './devices.js';
import { publishPacket, RawMqttClient } from './raw-mqtt-client.js';

/** Bad payloads, each dropped with an error of its own, so that the last error names the one that came last. */
const DROPPED = [
  { payload: 'not json', error: 'payload is not valid JSON' },
  { payload: '42', error: 'body is not a JSON object or array of readings' },
  { payload: '[7]', error: '[0] is not a {"ts", "values"} object' },
];

/**
 * The app's statements waiting for a lock: commits touching a device (they set last_seen_at) and recordings of an
 * ingest error (they set last_ingest_error). Asked outside any transaction, so each call sees the sessions as they
 * are now rather than as a statistics snapshot taken earlier in the transaction.
 */
async function statementsWaitingForALock(h: Harness): Promise<{ commits: number; recordings: number }> {
  const { rows } = await sql<{ query: string }>`
    select query from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`.execute(h.database.db);
  return {
    commits: rows.filter((row) => row.query.includes('last_seen_at')).length,
    recordings: rows.filter((row) => row.query.includes('last_ingest_error')).length,
  };
}

describe('MQTT embedded broker, dropped payloads recorded in order [sqlite]', {
  skip: 'SQLite runs one statement at a time on its one connection, so recordings cannot overtake one another; and a session holding its write lock would block this process, test included',
}, () => {
  it('is PostgreSQL-only', () => undefined);
});

describeDialect(
  'postgres',
  'MQTT embedded broker, dropped payloads recorded in order',
  (h) => {
    it('records the dropped payloads one after another while an earlier commit is held, the last one sent last', async () => {
      const org = await h.newOrg();
      const { deviceId, token } = await newDevice(h, org, 'SN-ERROR-ORDER');
      const broker = h.app.mqttIngest.broker!;
      const client = await RawMqttClient.connectDevice(broker.port, token);
      const droppedBefore = broker.stats.droppedPayloads;

      const locker = new pg.Client({ connectionString: h.databaseUrl });
      await locker.connect();
      try {
        await locker.query('begin');
        await locker.query('select id from devices where id = $1 for update', [deviceId]);
        // A valid publish first, then the bad ones, in one write: ids 1, then 2, 3, 4.
        client.send(
          Buffer.concat([
            publishPacket(DEVICE_TOPIC, JSON.stringify({ temperature: 1 }), 1, 1),
            ...DROPPED.map(({ payload }, i) => publishPacket(DEVICE_TOPIC, payload, 1, i + 2)),
          ]),
        );

        // Every bad payload has been read and dropped; a recording started at once would be sent before the commit
        // of the first publish, which needs a token check and a BEGIN before it reaches the row.
        await until(() => broker.stats.droppedPayloads === droppedBefore + DROPPED.length, 'the bad payloads were never dropped', 15_000);
        await until(
          async () => {
            const waiting = await statementsWaitingForALock(h);
            return waiting.commits > 0 && waiting.recordings > 0;
          },
          'the commit and the first recording never waited for the device row',
          15_000,
        );
        assert.equal((await statementsWaitingForALock(h)).recordings, 1, 'a later dropped payload was recorded while an earlier one waited');
        assert.equal(client.received.length, 1, 'a PUBACK was sent while the first commit was held');

        await locker.query('rollback');
        assert.deepEqual(await client.pubackIds(1 + DROPPED.length), [1, 2, 3, 4]);
        assert.deepEqual(await ingestErrors(h, deviceId), { count: DROPPED.length, last: DROPPED.at(-1)!.error });
        assert.equal(await readingCount(h, deviceId), 1);
      } finally {
        await locker.end();
        await client.end();
      }
    });
  },
  MQTT_ENV,
);
