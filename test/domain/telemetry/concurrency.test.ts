// Concurrent requests for one device: every reading is stored, and the latest value ends as the newest reading
// whatever order the requests commit in (on PostgreSQL the device row is locked for the transaction, so two
// requests never both take the same reading for newer than the latest).
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { describeEachDialect } from '../../support/harness.js';
import { deviceWithToken, latest, postBatch, postTelemetry, storedReadings } from './support.js';

describeEachDialect('concurrent ingest for one device', (h) => {
  it('stores every reading and keeps the newest as the latest value', async () => {
    const d = await deviceWithToken(h);
    const t = h.clock.now().getTime() - 1_000_000;
    // Shuffled timestamps over both paths at once, several keys per request.
    const order = Array.from({ length: 60 }, (_, i) => (i * 37) % 60);
    const results = await Promise.all(
      order.map((i) =>
        i % 2 === 0
          ? postTelemetry(h, d.token, { ts: t + i * 1000, values: { a: i, b: -i } })
          : postBatch(h, d.org.apiKey, { [d.identifier]: [{ ts: t + i * 1000, values: { a: i, b: -i } }] }),
      ),
    );
    for (const res of results) assert.equal(res.statusCode, 202, res.body);
    const rows = await storedReadings(h, d.deviceId);
    assert.equal(rows.length, 120);
    assert.deepEqual(await latest(h, d.org.apiKey, d.deviceId), { a: { ts: t + 59_000, value: 59 }, b: { ts: t + 59_000, value: -59 } });
  });

  it('creates a new key once when many requests bring it at the same time', async () => {
    const d = await deviceWithToken(h);
    const t = h.clock.now().getTime() - 100_000;
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => postTelemetry(h, d.token, { ts: t + i, values: { fresh: i } })));
    for (const res of results) assert.equal(res.statusCode, 202, res.body);
    const series = await h.database.db.selectFrom('telemetry_series').select('id').where('device_id', '=', d.deviceId).execute();
    assert.equal(series.length, 1);
    assert.equal((await storedReadings(h, d.deviceId)).length, 20);
    assert.deepEqual((await latest(h, d.org.apiKey, d.deviceId)).fresh, { ts: t + 19, value: 19 });
  });
});
