// Retention: readings older than TELEMAP_TELEMETRY_RETENTION_DAYS go, nothing else does. On PostgreSQL whole day
// partitions are dropped (and the default partition's old rows deleted); the partitions ahead are created by the
// same job, safely when several processes run it at once.
import assert from 'node:assert/strict';
import { afterEach, it } from 'node:test';
import { DAY_MS } from '../../support/clock.js';
import { describeEachDialect } from '../../support/harness.js';
import { listPartitions, partitionName, PARTITION_DAYS_AHEAD } from '../../../src/domain/telemetry/partitions.js';
import { maintainReadings } from '../../../src/domain/telemetry/retention.js';
import { deviceWithToken, latest, postBatch, storedReadings } from './support.js';

describeEachDialect('telemetry retention', (h) => {
  afterEach(() => h.clock.reset());

  it('removes the readings past the retention and keeps the others', async () => {
    const d = await deviceWithToken(h);
    const now = h.clock.now().getTime();
    const res = await postBatch(h, d.org.apiKey, {
      [d.identifier]: [
        { ts: now - 100 * DAY_MS, values: { t: 1 } },
        { ts: now - 91 * DAY_MS, values: { t: 2 } },
        { ts: now - 89 * DAY_MS, values: { t: 3 } },
        { ts: now - 1000, values: { t: 4 } },
      ],
    });
    assert.equal(res.statusCode, 202, res.body);
    await maintainReadings(h.ctx, h.config.telemetryRetentionDays);
    assert.deepEqual((await storedReadings(h, d.deviceId)).map((r) => r.num), [3, 4]);
    assert.equal((await latest(h, d.org.apiKey, d.deviceId)).t!.value, 4);
  });

  it('keeps every reading of an organization younger than the retention', async () => {
    const d = await deviceWithToken(h);
    const now = h.clock.now().getTime();
    await postBatch(h, d.org.apiKey, { [d.identifier]: [{ ts: now - 10 * DAY_MS, values: { a: 1 } }, { ts: now, values: { a: 2 } }] });
    await maintainReadings(h.ctx, h.config.telemetryRetentionDays);
    assert.equal((await storedReadings(h, d.deviceId)).length, 2);
  });
});

describeEachDialect('telemetry partitions', (h) => {
  afterEach(() => h.clock.reset());

  it('drops the day partitions past the retention (PostgreSQL) and what the default partition holds past it', async (t) => {
    if (h.dialect !== 'postgres') return t.skip('SQLite has no partitions');
    // The server ran the job as it started; running it again changes nothing, and waits for nothing.
    await maintainReadings(h.ctx, 90);
    const today = Math.floor(h.clock.now().getTime() / DAY_MS) * DAY_MS;
    const partitions = await listPartitions(h.database.db);
    for (let i = 0; i <= PARTITION_DAYS_AHEAD; i++) assert.ok(partitions.includes(partitionName(today + i * DAY_MS)), partitions.join());
    assert.ok(partitions.includes('readings_default'));

    const d = await deviceWithToken(h);
    const now = h.clock.now().getTime();
    await postBatch(h, d.org.apiKey, { [d.identifier]: [{ ts: now, values: { v: 1 } }, { ts: now - 30 * DAY_MS, values: { v: 0 } }] });

    // 92 days later, twice at once as two processes would: today's partition is past the retention.
    h.clock.advance(92 * DAY_MS);
    const [first, second] = await Promise.all([maintainReadings(h.ctx, 90), maintainReadings(h.ctx, 90)]);
    const dropped = [...first.droppedPartitions, ...second.droppedPartitions];
    assert.equal(dropped.filter((name) => name === partitionName(today)).length, 1);
    const created = [...first.createdPartitions, ...second.createdPartitions];
    assert.equal(new Set(created).size, created.length, 'each partition created once');
    const after = await listPartitions(h.database.db);
    assert.ok(!after.includes(partitionName(today)));
    const later = Math.floor(h.clock.now().getTime() / DAY_MS) * DAY_MS;
    for (let i = 0; i <= PARTITION_DAYS_AHEAD; i++) assert.ok(after.includes(partitionName(later + i * DAY_MS)));
    assert.deepEqual(await storedReadings(h, d.deviceId), []);

    // A reading of the new today lands in its partition and stays.
    const fresh = await postBatch(h, d.org.apiKey, { [d.identifier]: { v: 2 } });
    assert.equal(fresh.statusCode, 202);
    await maintainReadings(h.ctx, 90);
    assert.deepEqual((await storedReadings(h, d.deviceId)).map((r) => r.num), [2]);
  });

  it('moves readings of a day from the default partition into the partition created for it', async (t) => {
    if (h.dialect !== 'postgres') return t.skip('SQLite has no partitions');
    const d = await deviceWithToken(h);
    // Readings far ahead of every partition go to the default one; once that day comes, its partition takes them.
    const ahead = h.clock.now().getTime() + 20 * DAY_MS;
    h.clock.advance(20 * DAY_MS);
    assert.equal((await postBatch(h, d.org.apiKey, { [d.identifier]: { ts: ahead, values: { x: 7 } } })).statusCode, 202);
    await maintainReadings(h.ctx, 90);
    assert.deepEqual((await storedReadings(h, d.deviceId)).map((r) => r.num), [7]);
    const day = Math.floor(ahead / DAY_MS) * DAY_MS;
    assert.ok((await listPartitions(h.database.db)).includes(partitionName(day)));
  });
});
