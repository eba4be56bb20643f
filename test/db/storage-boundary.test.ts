// The storage boundary (src/db/database.ts): what the domain sees is the same on both dialects, a read started
// inside a write's work fails at once instead of waiting for ever, and SQLite's group commit and read group can be
// turned off without changing any answer.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildApp } from '../../src/app.js';
import { ConfigError, loadConfig } from '../../src/config.js';
import { connectDatabase, type ConnectOptions } from '../../src/db/connect.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import { inTransaction } from '../../src/db/transaction.js';
import { systemClock } from '../../src/clock.js';
import { findCustomerWithLinks } from '../../src/domain/customers/repository.js';
import { createOrganizationWithKey } from '../../src/domain/orgs/service.js';
import { describeEachDialect, scratchDatabase } from '../support/harness.js';

describeEachDialect('storage boundary', (h) => {
  it('a read started inside a write fails at once on SQLite, and runs on PostgreSQL; the write still commits', async () => {
    const { organizationId } = await h.newOrg();
    const now = h.clock.now().toISOString();
    for (const alone of [false, true]) {
      const email = `inside-${alone}@example.com`;
      const outcome = await inTransaction(
        h.database,
        async (trx) => {
          await trx
            .insertInto('customers')
            .values({ id: `c-${alone}-${organizationId}`, organization_id: organizationId, email, name: 'Inside', phone: null, address: null, metadata: '{}', created_at: now, updated_at: now })
            .execute();
          return findCustomerWithLinks(h.database, organizationId, 'email', email).then(
            (row) => (row ? 'found' : 'not found'),
            (error: Error) => error.name,
          );
        },
        { alone },
      );
      assert.equal(outcome, h.dialect === 'sqlite' ? 'ReadInsideWriteError' : 'not found');
      assert.equal((await findCustomerWithLinks(h.database, organizationId, 'email', email))?.email, email);
    }
  });

  it('the cache epoch exists where a process can be told of every change (SQLite) and nowhere else', async () => {
    const epoch = await h.database.read(async () => h.database.cacheEpoch());
    assert.equal(typeof epoch, h.dialect === 'sqlite' ? 'number' : 'undefined');
  });
});

describe('SQLite with its group commit and read group turned off', () => {
  for (const switches of [{ groupCommit: false }, { readGroup: false }, { groupCommit: false, readGroup: false, writeGate: false }] as ConnectOptions[]) {
    it(`answers as with them on: ${JSON.stringify(switches)} [sqlite]`, async () => {
      const scratch = await scratchDatabase('sqlite');
      const database = connectDatabase(scratch.target, switches);
      try {
        await migrateToLatest(database);
        const app = await buildApp({ config: loadConfig({ DATABASE_URL: scratch.url, LOG_LEVEL: 'silent' }), database, logger: false });
        const { firstKey } = await createOrganizationWithKey({ database, clock: systemClock }, { name: 'Switched off' });
        const send = (method: 'GET' | 'POST', url: string, body?: unknown) =>
          app.inject({
            method,
            url: `/api/ext-v1${url}`,
            headers: { 'x-api-key': firstKey.apiKey, ...(body ? { 'content-type': 'application/json' } : {}) },
            ...(body ? { payload: JSON.stringify(body) } : {}),
          });
        const created = await Promise.all(
          Array.from({ length: 8 }, (_, i) => send('POST', '/customer/createOrUpdateCustomer', { email: `c${i}@off.example` })),
        );
        for (const response of created) assert.equal(response.statusCode, 200, response.body);
        const read = await Promise.all(created.map((response) => send('GET', `/customer/getCustomer/${response.json().telemetronCustomerId}`)));
        assert.deepEqual(
          read.map((response) => [response.statusCode, response.json().email]),
          created.map((_, i) => [200, `c${i}@off.example`]),
        );
        const ticket = await send('POST', '/ticket/createTicket', { title: 'Offline', description: 'Since noon', priority: 'low', customerEmail: 'c0@off.example' });
        assert.equal(ticket.statusCode, 200, ticket.body);
        await app.close();
      } finally {
        await database.close();
        await scratch.drop();
      }
    });
  }

  it('TELEMAP_SQLITE_GROUP_COMMIT, TELEMAP_SQLITE_READ_GROUP and TELEMAP_SQLITE_WRITE_GATE take true or false', () => {
    assert.deepEqual(loadConfig({}).sqlite, { groupCommit: true, readGroup: true, writeGate: true });
    assert.deepEqual(
      loadConfig({ TELEMAP_SQLITE_GROUP_COMMIT: 'false', TELEMAP_SQLITE_READ_GROUP: 'false', TELEMAP_SQLITE_WRITE_GATE: 'false' }).sqlite,
      { groupCommit: false, readGroup: false, writeGate: false },
    );
    assert.throws(() => loadConfig({ TELEMAP_SQLITE_GROUP_COMMIT: 'off' }), ConfigError);
  });
});
