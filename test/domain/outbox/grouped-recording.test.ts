// The worker records the outcomes of attempts that finish together in one transaction (outbox/recorder.ts,
// outbox/record.ts): every outcome of a group lands on its own delivery, each endpoint's health follows from the
// group's outcomes, and stopping the worker waits for the recordings as well as for the attempts.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../../src/app.js';
import { systemClock } from '../../../src/clock.js';
import { loadConfig } from '../../../src/config.js';
import { connectDatabase, type Database } from '../../../src/db/connect.js';
import { migrateToLatest } from '../../../src/db/migrate.js';
import { inTransaction } from '../../../src/db/transaction.js';
import { recordEvent } from '../../../src/domain/outbox/events.js';
import { createOrganizationWithKey } from '../../../src/domain/orgs/service.js';
import { scratchDatabase } from '../../support/harness.js';
import { postgresUnavailableReason } from '../../support/postgres.js';
import { until } from '../../support/until.js';

const postgresSkip = await postgresUnavailableReason();
const DAY = 24 * 60 * 60 * 1000;

/** A receiver that holds every request until the test releases them all at once, then answers by path. */
async function heldReceiver(answers: Record<string, { status: number; headers?: Record<string, string> }>) {
  const held: Array<() => void> = [];
  const received: string[] = [];
  const server: Server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      const path = request.url ?? '/';
      received.push(path);
      held.push(() => {
        const answer = answers[path] ?? { status: 200 };
        response.writeHead(answer.status, answer.headers ?? {}).end('ok');
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received,
    get held() {
      return held.length;
    },
    releaseAll: () => {
      for (const answer of held.splice(0)) answer();
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A scratch database with one app on it (so that only its worker delivers) and an organization with a key. */
async function world(dialect: 'sqlite' | 'postgres') {
  const scratch = await scratchDatabase(dialect);
  const database = connectDatabase(scratch.target, { poolSize: 4 });
  await migrateToLatest(database);
  const config = loadConfig({ DATABASE_URL: scratch.url, LOG_LEVEL: 'silent', TELEMAP_WEBHOOK_ALLOW_PRIVATE: 'true' });
  // Held requests must outlast neither their timeout nor the drain on stop.
  const app = await buildApp({ config, database, logger: false, outbox: { pollIntervalMs: 20, requestTimeoutMs: 60_000, drainTimeoutMs: 60_000 } });
  await app.ready();
  const { organizationId, firstKey } = await createOrganizationWithKey({ database, clock: systemClock }, { name: 'Grouped recording' });
  const headers = { 'x-api-key': firstKey.apiKey };
  const endpoint = async (url: string) => {
    const made = await app.inject({ method: 'POST', url: '/api/v1/webhooks', headers, payload: { url } });
    assert.equal(made.statusCode, 201, made.body);
    return (made.json() as { id: string }).id;
  };
  const get = async (url: string) => {
    const res = await app.inject({ method: 'GET', url: `/api/v1${url}`, headers });
    assert.equal(res.statusCode, 200, res.body);
    return res.json() as Record<string, unknown> & { data: Array<Record<string, unknown>> };
  };
  const events = (count: number) =>
    inTransaction(database, async (trx) => {
      for (let i = 0; i < count; i++) {
        await recordEvent(trx, { organizationId, type: 'ticket.created', data: { id: `ticket-${i}` }, createdAt: new Date().toISOString() });
      }
    });
  return { scratch, database, app, organizationId, endpoint, get, events };
}

async function deliveryRows(database: Database, organizationId: string) {
  return database.db
    .selectFrom('deliveries')
    .select(['endpoint_id', 'status', 'response_status', 'attempt', 'error', 'claim_token'])
    .where('organization_id', '=', organizationId)
    .execute();
}

async function tearDown(w: { app: FastifyInstance; database: Database; scratch: { drop(): Promise<void> } }) {
  await w.app.close();
  await w.database.close();
  await w.scratch.drop();
}

for (const dialect of ['sqlite', 'postgres'] as const) {
  describe(`outcomes recorded in groups [${dialect}]`, { skip: dialect === 'postgres' && postgresSkip ? postgresSkip : false }, () => {
    it('records every one of many attempts that finish together, each with its own answer', async () => {
      const receiver = await heldReceiver({ '/created': { status: 201 } });
      const w = await world(dialect);
      try {
        const ok = await w.endpoint(`${receiver.url}/ok`);
        const created = await w.endpoint(`${receiver.url}/created`);
        await w.events(12);
        await until(() => receiver.held === 24, `attempts not all in flight (${receiver.held})`);
        receiver.releaseAll();
        await until(async () => (await deliveryRows(w.database, w.organizationId)).every((d) => d.status !== 'pending'), 'outcomes not recorded');
        const rows = await deliveryRows(w.database, w.organizationId);
        assert.equal(rows.length, 24);
        for (const row of rows) {
          const responseStatus = row.endpoint_id === created ? 201 : 200;
          assert.deepEqual({ ...row, endpoint_id: undefined }, { endpoint_id: undefined, status: 'delivered', response_status: responseStatus, attempt: 1, error: null, claim_token: null });
        }
        assert.deepEqual(new Set(rows.map((r) => r.endpoint_id)), new Set([ok, created]));
        const listed = await w.get(`/webhooks/${created}/deliveries`);
        assert.equal(listed.data.length, 12);
        assert.ok(listed.data.every((d) => d.status === 'delivered' && d.responseStatus === 201 && d.nextAttemptAt === null));
      } finally {
        await tearDown(w);
        await receiver.close();
      }
    });

    it('records a delivery, a retry with Retry-After and a 410 of one group, and what each means for its endpoint', async () => {
      const receiver = await heldReceiver({
        '/ok': { status: 200 },
        '/busy': { status: 503, headers: { 'retry-after': '120' } },
        '/gone': { status: 410 },
      });
      const w = await world(dialect);
      try {
        const ok = await w.endpoint(`${receiver.url}/ok`);
        const busy = await w.endpoint(`${receiver.url}/busy`);
        const gone = await w.endpoint(`${receiver.url}/gone`);
        // /ok and /busy have been failing for six days: a success ends that, one more failure disables.
        const sixDaysAgo = new Date(Date.now() - 6 * DAY).toISOString();
        await w.database.db.updateTable('webhook_endpoints').set({ failing_since: sixDaysAgo }).where('id', 'in', [ok, busy]).execute();
        await w.events(1);
        await until(() => receiver.held === 3, `attempts not all in flight (${receiver.held})`);
        const releasedAt = Date.now();
        receiver.releaseAll();
        await until(async () => (await deliveryRows(w.database, w.organizationId)).every((d) => d.claim_token === null), 'outcomes not recorded');

        const [delivered] = (await w.get(`/webhooks/${ok}/deliveries`)).data;
        assert.deepEqual([delivered!.status, delivered!.responseStatus, delivered!.error, delivered!.nextAttemptAt], ['delivered', 200, null, null]);
        const [retried] = (await w.get(`/webhooks/${busy}/deliveries`)).data;
        assert.deepEqual([retried!.status, retried!.responseStatus, retried!.error, retried!.attempt], ['pending', 503, 'The endpoint answered 503', 1]);
        const nextAttemptAt = Date.parse(String(retried!.nextAttemptAt));
        assert.ok(nextAttemptAt >= releasedAt + 120_000 && nextAttemptAt <= Date.now() + 120_000, `next attempt at ${String(retried!.nextAttemptAt)}`);
        const [refused] = (await w.get(`/webhooks/${gone}/deliveries`)).data;
        assert.deepEqual([refused!.status, refused!.responseStatus, refused!.error], ['failed', 410, 'The endpoint answered 410 Gone']);

        const shown = async (id: string) => {
          const endpoint = await w.get(`/webhooks/${id}`);
          return [endpoint.enabled, endpoint.disabledReason];
        };
        assert.deepEqual(await shown(ok), [true, null]);
        assert.deepEqual(await shown(busy), [false, 'Every delivery failed for 5 days']);
        assert.deepEqual(await shown(gone), [false, 'The endpoint answered 410 Gone']);
        const failingSince = await w.database.db.selectFrom('webhook_endpoints').select(['id', 'failing_since']).where('organization_id', '=', w.organizationId).execute();
        assert.deepEqual(new Map(failingSince.map((e) => [e.id, e.failing_since])), new Map([[ok, null], [busy, sixDaysAgo], [gone, null]]));
      } finally {
        await tearDown(w);
        await receiver.close();
      }
    });

    it('stops only once the outcomes of the attempts in flight are recorded', async () => {
      const receiver = await heldReceiver({});
      const w = await world(dialect);
      try {
        await w.endpoint(`${receiver.url}/stop`);
        await w.events(20);
        await until(() => receiver.held === 20, `attempts not all in flight (${receiver.held})`);
        const closing = w.app.close();
        receiver.releaseAll();
        await closing;
        const rows = await deliveryRows(w.database, w.organizationId);
        assert.equal(rows.length, 20);
        for (const row of rows) {
          assert.deepEqual({ ...row, endpoint_id: undefined }, { endpoint_id: undefined, status: 'delivered', response_status: 200, attempt: 1, error: null, claim_token: null });
        }
        assert.equal(receiver.received.length, 20);
      } finally {
        await tearDown(w);
        await receiver.close();
      }
    });
  });
}
