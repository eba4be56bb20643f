// Background work runs on connections of its own (Database.background): with every connection of the requests'
// pool held by open transactions, a webhook recorded meanwhile is still delivered. On SQLite the background
// database is the database itself: one file has one writer, whatever the connection.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import { sql } from 'kysely';
import { buildApp } from '../../src/app.js';
import { systemClock } from '../../src/clock.js';
import { loadConfig } from '../../src/config.js';
import { connectDatabase } from '../../src/db/connect.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import { inTransaction } from '../../src/db/transaction.js';
import { recordEvent } from '../../src/domain/outbox/events.js';
import { createOrganizationWithKey } from '../../src/domain/orgs/service.js';
import { scratchDatabase } from '../support/harness.js';
import { postgresUnavailableReason } from '../support/postgres.js';
import { until } from '../support/until.js';

const postgresSkip = await postgresUnavailableReason();
const REQUEST_POOL_SIZE = 2;

describe('background connections [sqlite]', () => {
  it('are the database itself', async () => {
    const scratch = await scratchDatabase('sqlite');
    const database = connectDatabase(scratch.target);
    try {
      assert.equal(database.background(), database);
    } finally {
      await database.close();
      await scratch.drop();
    }
  });
});

describe('background connections [postgres]', { skip: postgresSkip ?? false }, () => {
  it('deliver a webhook while every connection of the requests pool is held', async () => {
    const received: string[] = [];
    const receiver = createServer((request, response) => {
      request.resume();
      request.on('end', () => {
        received.push(String(request.headers['webhook-id']));
        response.writeHead(200).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const scratch = await scratchDatabase('postgres');
    const database = connectDatabase(scratch.target, { poolSize: REQUEST_POOL_SIZE });
    // Records the event from outside the held pool, as another process would.
    const elsewhere = connectDatabase(scratch.target, { poolSize: 1 });
    await migrateToLatest(database);
    const config = loadConfig({ DATABASE_URL: scratch.url, LOG_LEVEL: 'silent', TELEMAP_WEBHOOK_ALLOW_PRIVATE: 'true' });
    const app = await buildApp({ config, database, logger: false, outbox: { pollIntervalMs: 20 } });
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const holders: Promise<void>[] = [];
    try {
      await app.ready();
      const { organizationId, firstKey } = await createOrganizationWithKey({ database, clock: systemClock }, { name: 'Background connections' });
      const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
      const made = await app.inject({ method: 'POST', url: '/api/v1/webhooks', headers: { 'x-api-key': firstKey.apiKey }, payload: { url } });
      assert.equal(made.statusCode, 201, made.body);

      let holding = 0;
      for (let i = 0; i < REQUEST_POOL_SIZE; i++) {
        holders.push(
          inTransaction(database, async (trx) => {
            await sql`select 1`.execute(trx);
            holding++;
            await released;
          }),
        );
      }
      await until(() => holding === REQUEST_POOL_SIZE, 'the requests pool is not held');

      await inTransaction(elsewhere, (trx) =>
        recordEvent(trx, { organizationId, type: 'ticket.created', data: { id: 'ticket-1' }, createdAt: new Date().toISOString() }),
      );
      await until(() => received.length === 1, 'no delivery while the requests pool was held', 10_000);
    } finally {
      release();
      await Promise.all(holders);
      await app.close();
      await elsewhere.close();
      await database.close();
      await scratch.drop();
      receiver.closeAllConnections();
      await new Promise<void>((resolve) => receiver.close(() => resolve()));
    }
  });
});
