// Telemetry durability: a server process killed with SIGKILL during sustained ingest (devices posting their own
// readings, a back end posting batches) keeps every reading it answered with 202, and stores each batch wholly or
// not at all.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { seedDevice } from '../support/dashboard.js';
import { describeEachDialect } from '../support/harness.js';
import { startServer } from '../support/server-process.js';
import { issueToken, storedReadings } from '../domain/telemetry/support.js';

const DEVICES = 8;
const BATCH_WRITERS = 2;
const BATCH_SIZE = 200;
/** The kill comes once this many requests were answered (or after KILL_AFTER_MS, whichever is first). */
const KILL_AFTER_ANSWERS = 200;
const KILL_AFTER_MS = 8_000;

describeEachDialect('telemetry crash durability', (h) => {
  it('keeps every reading answered with 202 across a SIGKILL, and batches whole', async (t) => {
    const org = await h.newOrg('Telemetry crash');
    const devices: { id: string; identifier: string; token: string }[] = [];
    for (let i = 0; i < DEVICES; i++) {
      const identifier = `crash-${i}`;
      const id = await seedDevice(h, org.organizationId, identifier);
      devices.push({ id, identifier, token: await issueToken(h, org.apiKey, id) });
    }
    const env = { DATABASE_URL: h.databaseUrl, LOG_LEVEL: 'warn' };
    const server = await startServer(env);
    const base = server.baseUrl;

    /** Per device: the ts of each answered single reading (value = ts % 1000). */
    const answered = new Map<string, number[]>(devices.map((d) => [d.id, []]));
    /** Answered and attempted batches: each one's key on the first device, BATCH_SIZE readings. */
    const batchesAnswered = new Set<number>();
    let batchesAttempted = 0;
    let answers = 0;
    let cut = 0;
    let stopped = false;
    let killNow: () => void = () => undefined;
    const killSignal = new Promise<void>((resolve) => (killNow = resolve));
    const counted = () => {
      if (++answers >= KILL_AFTER_ANSWERS) killNow();
    };
    const start = Date.now() - 3_600_000;

    const deviceWriter = async (device: (typeof devices)[number], index: number) => {
      for (let n = 0; !stopped; n++) {
        const ts = start + n * DEVICES + index;
        try {
          const res = await fetch(new URL('/api/v1/telemetry', base), {
            method: 'POST',
            headers: { authorization: `Bearer ${device.token}`, 'content-type': 'application/json' },
            body: JSON.stringify({ ts, values: { seq: n } }),
          });
          const body = await res.text();
          assert.equal(res.status, 202, body);
          answered.get(device.id)!.push(ts);
          counted();
        } catch (error) {
          if (error instanceof assert.AssertionError) throw error;
          cut++;
          return;
        }
      }
    };
    const batchWriter = async () => {
      while (!stopped) {
        const batch = batchesAttempted++;
        const readings = Array.from({ length: BATCH_SIZE }, (_, i) => ({ ts: start + i, values: { [`batch-${batch}`]: i } }));
        try {
          const res = await fetch(new URL('/api/v1/telemetry/batch', base), {
            method: 'POST',
            headers: { 'x-api-key': org.apiKey, 'content-type': 'application/json' },
            body: JSON.stringify({ [devices[0]!.identifier]: readings }),
          });
          const body = await res.text();
          assert.equal(res.status, 202, body);
          batchesAnswered.add(batch);
          counted();
        } catch (error) {
          if (error instanceof assert.AssertionError) throw error;
          cut++;
          return;
        }
      }
    };

    const load = Promise.all([...devices.map((d, i) => deviceWriter(d, i)), ...Array.from({ length: BATCH_WRITERS }, () => batchWriter())]);
    await Promise.race([killSignal, new Promise((resolve) => setTimeout(resolve, KILL_AFTER_MS))]);
    server.child.kill('SIGKILL');
    await server.exited;
    stopped = true;
    await load;
    const singles = [...answered.values()].reduce((sum, list) => sum + list.length, 0);
    t.diagnostic(`killed after ${singles} answered device posts and ${batchesAnswered.size} answered batches; ${cut} requests cut`);
    assert.ok(singles > 0, 'the load ran before the kill');
    assert.ok(!server.output().includes(devices[0]!.token), 'a device token reached the log');

    const restarted = await startServer(env);
    try {
      for (const device of devices) {
        const stored = new Set((await storedReadings(h, device.id)).filter((r) => r.key === 'seq').map((r) => r.ts));
        for (const ts of answered.get(device.id)!) assert.ok(stored.has(ts), `answered reading ${ts} of ${device.identifier} lost`);
      }
      const first = await storedReadings(h, devices[0]!.id);
      const perBatch = new Map<string, number>();
      for (const row of first) if (row.key.startsWith('batch-')) perBatch.set(row.key, (perBatch.get(row.key) ?? 0) + 1);
      for (let batch = 0; batch < batchesAttempted; batch++) {
        const count = perBatch.get(`batch-${batch}`) ?? 0;
        assert.ok(count === 0 || count === BATCH_SIZE, `batch ${batch} stored ${count} of ${BATCH_SIZE} readings`);
        if (batchesAnswered.has(batch)) assert.equal(count, BATCH_SIZE, `answered batch ${batch} lost`);
      }
      // The restarted server serves what survived.
      const res = await fetch(new URL(`/api/v1/devices/${devices[1]!.id}/telemetry/latest`, restarted.baseUrl), { headers: { 'x-api-key': org.apiKey } });
      assert.equal(res.status, 200);
    } finally {
      restarted.child.kill('SIGKILL');
      await restarted.exited;
    }
  });
});
