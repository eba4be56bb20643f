// On PostgreSQL the server names the statements it runs, so each connection parses and plans them once
// (db/postgres/named-statements.ts); TELEMAP_PG_NAMED_STATEMENTS=false sends every one unnamed, for poolers that cannot
// carry prepared statements. With a pool of one connection, the session the requests used is the one queried.
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { it } from 'node:test';
import { describeDialect, type Harness } from '../support/harness.js';

/** Requests that together run reads, a transaction and writes. */
async function serveSomeRequests(h: Harness): Promise<void> {
  const { apiKey } = await h.newOrg();
  const created = await h.extPost('/customer/createOrUpdateCustomer', apiKey, { email: 'ada@example.com', name: 'Ada' });
  assert.equal(created.statusCode, 200);
  const id = created.json().telemetronCustomerId as string;
  assert.equal((await h.extGet(`/customer/getCustomer/${id}`, apiKey)).statusCode, 200);
  assert.equal((await h.extPost('/ticket/createTicket', apiKey, { title: 'Offline', customerId: id })).statusCode, 200);
}

async function preparedStatementNames(h: Harness): Promise<string[]> {
  const { rows } = await sql<{ name: string }>`select name from pg_prepared_statements order by name`.execute(h.database.db);
  return rows.map((row) => row.name);
}

describeDialect(
  'postgres',
  'named statements (the default)',
  (h) => {
    it('the requests’ statements are prepared on the connection that served them', async () => {
      await serveSomeRequests(h);
      const names = await preparedStatementNames(h);
      assert.ok(names.filter((name) => name.startsWith('telemap_')).length >= 3, `prepared: ${names.join(', ')}`);
    });
  },
  { poolSize: 1 },
);

describeDialect(
  'postgres',
  'TELEMAP_PG_NAMED_STATEMENTS=false',
  (h) => {
    it('no statement is prepared on the connection', async () => {
      await serveSomeRequests(h);
      assert.deepEqual(await preparedStatementNames(h), []);
    });
  },
  { poolSize: 1, env: { TELEMAP_PG_NAMED_STATEMENTS: 'false' } },
);
