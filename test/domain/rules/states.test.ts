// What a rule keeps per device in rule_states, seen through the table itself: a plain threshold nothing, any other
// threshold a row only while its condition holds, an anomaly its statistics, inactivity its deadline; and on
// PostgreSQL, a sweep that meets a device an ingest transaction holds leaves it for its next pass.
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { it } from 'node:test';
import { sweepDueRules } from '../../../src/domain/rules/sweep.js';
import type { Harness } from '../../support/harness.js';
import { describeDialect, describeEachDialect } from '../../support/harness.js';
import { alertsOfDevice, createRule, deviceWithOwners, now, overheating, send, type Json } from './support.js';

async function statesOf(h: Harness, ruleId: string): Promise<Array<{ state: Json; dueAt: number | null }>> {
  const rows = await h.database.db.selectFrom('rule_states').select(['state', 'due_at']).where('rule_id', '=', ruleId).execute();
  return rows.map((row) => ({ state: JSON.parse(row.state) as Json, dueAt: row.due_at === null ? null : Number(row.due_at) }));
}

describeEachDialect('rule state rows', (h) => {
  it('keeps no row for a plain threshold, through an opening and a clearing', async () => {
    const fleet = await deviceWithOwners(h, 1);
    const rule = await createRule(h, fleet.org, overheating());
    const t = now(h);
    await send(h, fleet, [t - 2000, { temperature: 60 }], [t - 1000, { temperature: 80 }]);
    assert.equal((await alertsOfDevice(h, fleet, 'open')).length, 1);
    await send(h, fleet, [t, { temperature: 50 }]);
    assert.equal((await alertsOfDevice(h, fleet, 'cleared')).length, 1);
    assert.deepEqual(await statesOf(h, rule.id), []);
  });

  it('keeps a forSeconds threshold’s row only while its condition holds, and still opens on time', async () => {
    const fleet = await deviceWithOwners(h, 1);
    const rule = await createRule(h, fleet.org, overheating({}, { forSeconds: 600 }));
    const t = now(h);
    await send(h, fleet, [t - 3000, { temperature: 50 }]);
    assert.deepEqual(await statesOf(h, rule.id), []);
    await send(h, fleet, [t - 2000, { temperature: 80 }]);
    assert.deepEqual(await statesOf(h, rule.id), [
      {
        state: { kind: 'threshold', run: 1, since: t - 2000, last: { key: 'temperature', ts: t - 2000, value: 80 }, clearSince: null },
        dueAt: t - 2000 + 600_000,
      },
    ]);
    await send(h, fleet, [t - 1000, { temperature: 50 }]);
    assert.deepEqual(await statesOf(h, rule.id), [], 'a broken window is no row');

    await send(h, fleet, [t, { temperature: 81 }]);
    h.clock.advance(601_000);
    await sweepDueRules(h.ctx);
    const [alert] = await alertsOfDevice(h, fleet, 'open');
    assert.deepEqual(alert!.reading, { key: 'temperature', value: 81, ts: t });
  });

  it('keeps a count threshold’s run across requests, and drops the row when a reading breaks it', async () => {
    const fleet = await deviceWithOwners(h, 1);
    const rule = await createRule(h, fleet.org, overheating({}, { count: 3 }));
    const t = now(h) - 100_000;
    await send(h, fleet, [t, { temperature: 80 }]);
    await send(h, fleet, [t + 1, { temperature: 80 }]);
    assert.deepEqual(await statesOf(h, rule.id), [{ state: { kind: 'threshold', run: 2, since: null, last: null, clearSince: null }, dueAt: null }]);
    await send(h, fleet, [t + 2, { temperature: 20 }]);
    assert.deepEqual(await statesOf(h, rule.id), []);
    await send(h, fleet, [t + 3, { temperature: 80 }]);
    await send(h, fleet, [t + 4, { temperature: 80 }]);
    assert.equal((await alertsOfDevice(h, fleet)).length, 0);
    await send(h, fleet, [t + 5, { temperature: 80 }]);
    assert.equal((await alertsOfDevice(h, fleet, 'open')).length, 1);
  });

  it('keeps an anomaly’s statistics, every reading counted', async () => {
    const fleet = await deviceWithOwners(h, 1);
    const rule = await createRule(h, fleet.org, { name: 'Odd power', condition: { kind: 'anomaly', key: 'power', minSamples: 10 } });
    const t = now(h) - 100_000;
    await send(h, fleet, [t, { power: 1 }], [t + 1, { power: 3 }]);
    await send(h, fleet, [t + 2, { power: 5 }]);
    assert.deepEqual(await statesOf(h, rule.id), [{ state: { kind: 'anomaly', stats: { n: 3, mean: 3, m2: 8 } }, dueAt: null }]);
  });

  it('writes an inactivity deadline on a first report and after an alert, and leaves the later reports to the sweep', async () => {
    const fleet = await deviceWithOwners(h, 1);
    const rule = await createRule(h, fleet.org, { name: 'Silent', condition: { kind: 'inactivity', timeoutSeconds: 60 } });
    // The clock runs in real time (plus the test's offset): a report is received between two looks at it.
    const reported = async (value: number) => {
      const from = now(h);
      await send(h, fleet, [now(h), { temperature: value }]);
      return { from, to: now(h) };
    };
    const assertWatchedFrom = async (at: { from: number; to: number }) => {
      const [row, ...more] = await statesOf(h, rule.id);
      assert.deepEqual(more, []);
      const seenAt = row!.state.seenAt as number;
      assert.ok(seenAt >= at.from && seenAt <= at.to, `seenAt ${seenAt} not within ${at.from}..${at.to}`);
      assert.deepEqual(row, { state: { kind: 'inactivity', seenAt, fired: false }, dueAt: seenAt + 60_000 });
    };

    const first = await reported(20);
    await assertWatchedFrom(first);
    h.clock.advance(10_000);
    const second = await reported(21);
    await assertWatchedFrom(first);

    // Due a minute after the first report, the sweep finds the second one and moves the deadline.
    h.clock.advance(55_000);
    await sweepDueRules(h.ctx);
    assert.equal((await alertsOfDevice(h, fleet)).length, 0);
    await assertWatchedFrom(second);
    h.clock.advance(5_000);
    await sweepDueRules(h.ctx);
    assert.equal((await alertsOfDevice(h, fleet, 'open')).length, 1);

    const third = await reported(22);
    assert.equal((await alertsOfDevice(h, fleet, 'cleared')).length, 1);
    await assertWatchedFrom(third);
  });
});

describeDialect('postgres', 'the sweep and an ingest on one device', (h) => {
  it('leaves a due state whose device an ingest transaction holds for its next pass', async () => {
    const fleet = await deviceWithOwners(h, 1);
    await createRule(h, fleet.org, overheating({}, { forSeconds: 30 }));
    await send(h, fleet, [now(h), { temperature: 80 }]);
    h.clock.advance(31_000);
    await h.database.db.transaction().execute(async (trx) => {
      // What ingest does first (telemetry/storage.ts): lock the request's devices.
      await sql`select id from devices where id = ${fleet.deviceId} for update`.execute(trx);
      await sweepDueRules(h.ctx);
      assert.equal((await alertsOfDevice(h, fleet)).length, 0);
    });
    await sweepDueRules(h.ctx);
    assert.equal((await alertsOfDevice(h, fleet, 'open')).length, 1);
  });
});
