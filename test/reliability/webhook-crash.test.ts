// Webhook delivery across a SIGKILL, and with two processes on one PostgreSQL database (support loop §6.1): every
// event reaches the receiver at least once (it deduplicates by webhook-id), and one delivery is never attempted by
// two processes at the same time.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { systemClock } from '../../src/clock.js';
import { connectDatabase, type Database } from '../../src/db/connect.js';
import type { DialectName } from '../../src/db/dialect.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import { inTransaction } from '../../src/db/transaction.js';
import { recordEvent } from '../../src/domain/outbox/events.js';
import { createOrganizationWithKey } from '../../src/domain/orgs/service.js';
import { scratchDatabase } from '../support/harness.js';
import { postgresUnavailableReason } from '../support/postgres.js';
import { startServer, type ServerProcess } from '../support/server-process.js';
import { until } from '../support/until.js';
import { startReceiver, type Receiver } from '../support/webhook-receiver.js';
import { postJson } from './http.js';

const postgresSkip = await postgresUnavailableReason();
const TICKETS = 50;
const DIRECT_EVENTS = 20;

/**
 * A scratch database with an organization, and no Telemap app in this process: only the server processes deliver.
 */
async function world(dialect: DialectName) {
  const scratch = await scratchDatabase(dialect);
  const database = connectDatabase(scratch.target, { poolSize: 2 });
  await migrateToLatest(database);
  const created = await createOrganizationWithKey({ database, clock: systemClock }, { name: 'Webhook crash' });
  return { scratch, database, organizationId: created.organizationId, apiKey: created.firstKey.apiKey };
}

async function createEndpoint(server: ServerProcess, apiKey: string, url: string): Promise<string> {
  const res = await postJson(server.baseUrl, '/api/v1/webhooks', apiKey, { url });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return res.body.id as string;
}

async function eventIds(database: Database, organizationId: string): Promise<string[]> {
  const rows = await database.db.selectFrom('outbox_events').select('id').where('organization_id', '=', organizationId).execute();
  return rows.map((r) => r.id);
}

const uniqueIds = (receiver: Receiver) => new Set(receiver.received.map((r) => String(r.headers['webhook-id'])));

for (const dialect of ['sqlite', 'postgres'] as const) {
  describe(`webhook delivery across a crash [${dialect}]`, { skip: dialect === 'postgres' && postgresSkip ? postgresSkip : false }, () => {
    const cleanup: Array<() => Promise<void>> = [];
    after(async () => {
      for (const step of cleanup.reverse()) await step();
    });

    it('delivers every event at least once after a SIGKILL with deliveries pending and in flight', async () => {
      const w = await world(dialect);
      cleanup.push(() => w.scratch.drop(), () => w.database.close());
      const receiver = await startReceiver();
      cleanup.push(() => receiver.close());
      const env = { DATABASE_URL: w.scratch.url, LOG_LEVEL: 'warn', TELEMAP_WEBHOOK_ALLOW_PRIVATE: 'true' };

      // Every request hangs: the first 32 attempts are in flight when the process dies, the rest still pending.
      receiver.answer = () => 'hang';
      const first = await startServer(env);
      cleanup.push(async () => {
        first.child.kill('SIGKILL');
        await first.exited;
      });
      await createEndpoint(first, w.apiKey, `${receiver.url}/crash`);
      for (let i = 0; i < TICKETS; i++) {
        const res = await postJson(first.baseUrl, '/api/ext-v1/ticket/createTicket', w.apiKey, {
          title: `Crash ${i}`,
          customerEmail: `crash-${i}@example.com`,
          description: 'x',
        });
        assert.equal(res.status, 200, JSON.stringify(res.body));
      }
      await until(() => receiver.open >= 10, `attempts not in flight (${receiver.open})`, 20_000);
      first.child.kill('SIGKILL');
      await first.exited;
      // Events recorded while no server runs: not even fanned out yet.
      await inTransaction(w.database, async (trx) => {
        for (let i = 0; i < DIRECT_EVENTS; i++) {
          await recordEvent(trx, { organizationId: w.organizationId, type: 'alert.opened', data: { id: `alert-${i}` }, createdAt: new Date().toISOString() });
        }
      });

      receiver.answer = () => ({ status: 200 });
      const second = await startServer(env);
      cleanup.push(async () => {
        second.child.kill('SIGKILL');
        await second.exited;
      });
      const expected = await eventIds(w.database, w.organizationId);
      assert.equal(expected.length, TICKETS + DIRECT_EVENTS);
      // The attempts that were in flight come back once their lease (timeout + 10 s) has passed.
      await until(() => expected.every((id) => uniqueIds(receiver).has(id)), 'some events were never delivered', 90_000);
      await until(
        async () =>
          (await w.database.db.selectFrom('deliveries').select('status').where('organization_id', '=', w.organizationId).execute()).every(
            (d) => d.status === 'delivered',
          ),
        'deliveries not all marked delivered',
        30_000,
      );
    });
  });
}

describe('webhook delivery with two processes [postgres]', { skip: postgresSkip ?? false }, () => {
  const cleanup: Array<() => Promise<void>> = [];
  after(async () => {
    for (const step of cleanup.reverse()) await step();
  });

  it('never runs one delivery in two processes at once, and delivers each event exactly once when all succeed', async () => {
    const w = await world('postgres');
    cleanup.push(() => w.scratch.drop(), () => w.database.close());
    const receiver = await startReceiver();
    cleanup.push(() => receiver.close());
    // A slow answer widens the window in which a second claim of the same delivery would show.
    receiver.answer = () => ({ status: 200, delayMs: 30 });
    const env = { DATABASE_URL: w.scratch.url, LOG_LEVEL: 'warn', TELEMAP_WEBHOOK_ALLOW_PRIVATE: 'true' };
    const servers = await Promise.all([startServer(env), startServer(env)]);
    cleanup.push(async () => {
      for (const s of servers) s.child.kill('SIGKILL');
      await Promise.all(servers.map((s) => s.exited));
    });
    await createEndpoint(servers[0]!, w.apiKey, `${receiver.url}/pair`);
    const writes = Array.from({ length: 120 }, (_, i) =>
      postJson(servers[i % 2]!.baseUrl, '/api/ext-v1/ticket/createTicket', w.apiKey, {
        title: `Pair ${i}`,
        customerEmail: `pair-${i}@example.com`,
        description: 'x',
      }),
    );
    for (const res of await Promise.all(writes)) assert.equal(res.status, 200);
    const expected = await eventIds(w.database, w.organizationId);
    await until(() => expected.every((id) => uniqueIds(receiver).has(id)), 'some events were never delivered', 60_000);
    await until(() => receiver.open === 0, 'requests still open');
    assert.equal(receiver.maxConcurrentPerId, 1);
    assert.equal(receiver.received.length, expected.length, 'an event was delivered twice');
    const deliveries = () => w.database.db.selectFrom('deliveries').select(['attempt', 'status']).where('organization_id', '=', w.organizationId).execute();
    await until(async () => (await deliveries()).every((d) => d.status === 'delivered'), 'deliveries not all marked delivered');
    assert.deepEqual(new Set((await deliveries()).map((d) => d.attempt)), new Set([1]));
  });
});
