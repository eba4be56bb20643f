// Crash durability: a server process killed with SIGKILL in the middle of concurrent writes loses none that it
// answered with 200, and applies each bulk request wholly or not at all.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { newId } from '../../src/domain/ids.js';
import { describeEachDialect } from '../support/harness.js';
import { startServer } from '../support/server-process.js';
import { getJson, postJson } from './http.js';

const WRITERS = 12;
const BULK_WRITERS = 3;
const BATCHES = 40;
const BATCH_SIZE = 25;
/** The kill comes once this many writes were answered (or after KILL_AFTER_MS, whichever is first). */
const KILL_AFTER_ANSWERS = 150;
const KILL_AFTER_MS = 8_000;

describeEachDialect('crash durability', (h) => {
  it('keeps every answered write and applies bulk requests whole across a SIGKILL', async (t) => {
    const { apiKey, organizationId } = await h.newOrg('Crash');
    const env = { DATABASE_URL: h.databaseUrl, LOG_LEVEL: 'warn' };
    const server = await startServer(env);
    const base = server.baseUrl;
    const bulkServed = (await postJson(base, '/api/ext-v1/device/bulk-metadata', apiKey, {})).status !== 404;
    if (!bulkServed) t.diagnostic('POST /device/bulk-metadata is not served yet: only single-row writes are checked');

    // Devices for the bulk requests, BATCH_SIZE of their own per batch, straight into the database.
    const now = new Date().toISOString();
    const identifiers = (batch: number) => Array.from({ length: BATCH_SIZE }, (_, i) => `crash-${batch}-${i}`);
    if (bulkServed) {
      for (let batch = 0; batch < BATCHES; batch++) {
        await h.database.db
          .insertInto('devices')
          .values(identifiers(batch).map((identifier) => ({
            id: newId(),
            organization_id: organizationId,
            identifier,
            type: 'sensor',
            metadata: '{}',
            created_at: now,
            updated_at: now,
          })))
          .execute();
      }
    }

    const answered: { email: string; id: string }[] = [];
    const bulkAnswered = new Set<number>();
    let connectionErrors = 0;
    let stopped = false;
    let nextBatch = 0;
    let answeredCount = 0;
    let killNow: () => void = () => undefined;
    const killSignal = new Promise<void>((resolve) => (killNow = resolve));
    const countAnswer = () => {
      if (++answeredCount >= KILL_AFTER_ANSWERS) killNow();
    };

    const writer = async (w: number) => {
      for (let n = 0; !stopped; n++) {
        const email = `w${w}-${n}@crash.example`;
        try {
          const res = await postJson(base, '/api/ext-v1/customer/createOrUpdateCustomer', apiKey, { email, name: `Writer ${w}` });
          assert.equal(res.status, 200, JSON.stringify(res.body));
          answered.push({ email, id: res.body.telemetronCustomerId as string });
          countAnswer();
        } catch (error) {
          if (error instanceof assert.AssertionError) throw error;
          connectionErrors++;
          return;
        }
      }
    };
    const bulkWriter = async () => {
      while (!stopped && nextBatch < BATCHES) {
        const batch = nextBatch++;
        const devices = Object.fromEntries(identifiers(batch).map((id, i) => [id, { batch, i }]));
        try {
          const res = await postJson(base, '/api/ext-v1/device/bulk-metadata', apiKey, { devices });
          assert.equal(res.status, 200, JSON.stringify(res.body));
          assert.equal(res.body.updated, BATCH_SIZE);
          bulkAnswered.add(batch);
          countAnswer();
        } catch (error) {
          if (error instanceof assert.AssertionError) throw error;
          connectionErrors++;
          return;
        }
      }
    };

    const load = Promise.all([
      ...Array.from({ length: WRITERS }, (_, w) => writer(w)),
      ...(bulkServed ? Array.from({ length: BULK_WRITERS }, () => bulkWriter()) : []),
    ]);
    await Promise.race([killSignal, new Promise((resolve) => setTimeout(resolve, KILL_AFTER_MS))]);
    server.child.kill('SIGKILL');
    await server.exited;
    stopped = true;
    await load;
    const attemptedBatches = nextBatch;
    t.diagnostic(`killed after ${answered.length} answered creates, ${bulkAnswered.size} answered bulk requests; ${connectionErrors} requests cut`);
    assert.ok(answered.length > 0, 'the load ran before the kill');
    assert.ok(!server.output().includes(apiKey), 'the API key reached the log');

    const restarted = await startServer(env);
    try {
      for (const { email, id } of answered) {
        const res = await getJson(restarted.baseUrl, `/api/ext-v1/customer/getCustomer/${id}`, apiKey);
        assert.equal(res.status, 200, `answered create of ${email} lost`);
        assert.equal(res.body.email, email);
      }
      const stored = await h.database.db
        .selectFrom('customers')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('organization_id', '=', organizationId)
        .executeTakeFirstOrThrow();
      assert.ok(Number(stored.n) >= answered.length);

      if (bulkServed) {
        const devices = await h.database.db
          .selectFrom('devices')
          .select(['identifier', 'metadata'])
          .where('organization_id', '=', organizationId)
          .execute();
        const applied = new Map<number, number>();
        for (const device of devices) {
          const metadata = JSON.parse(device.metadata) as { batch?: number };
          const batch = Number(/^crash-(\d+)-/.exec(device.identifier)?.[1]);
          if (metadata.batch !== undefined) {
            assert.equal(metadata.batch, batch, `${device.identifier} holds another batch's metadata`);
            applied.set(batch, (applied.get(batch) ?? 0) + 1);
          }
        }
        for (let batch = 0; batch < attemptedBatches; batch++) {
          const count = applied.get(batch) ?? 0;
          assert.ok(count === 0 || count === BATCH_SIZE, `bulk request ${batch} applied to ${count} of ${BATCH_SIZE} devices`);
          if (bulkAnswered.has(batch)) assert.equal(count, BATCH_SIZE, `answered bulk request ${batch} lost`);
        }
      }
    } finally {
      restarted.child.kill('SIGKILL');
      await restarted.exited;
    }
  });
});
