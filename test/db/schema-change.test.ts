// A newer server's migration can change a table while this server runs (a rolling upgrade on PostgreSQL, or the
// CLI on SQLite). Statements the server keeps prepared (db/connect.ts, db/postgres/named-statements.ts) were planned for
// the old table; they must be planned again, not fail.
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { after, before, it } from 'node:test';
import { connectDatabase, type Database } from '../../src/db/connect.js';
import { describeEachDialect } from '../support/harness.js';

describeEachDialect('requests keep their answers when another process adds a column', (h) => {
  let other: Database;
  before(() => {
    other = connectDatabase(h.target, { checkpointThread: false });
  });
  after(() => other.close());

  it('getCustomer and queryCustomer answer the same after customers gains a column', async () => {
    const { apiKey } = await h.newOrg();
    const created = await h.extPost('/customer/createOrUpdateCustomer', apiKey, { email: 'ada@example.com', name: 'Ada' });
    assert.equal(created.statusCode, 200);
    const id = created.json().telemetronCustomerId as string;
    const read = () => h.extGet(`/customer/getCustomer/${id}`, apiKey);
    const query = () => h.extPost('/customer/queryCustomer', apiKey, { email: 'ada@example.com' });
    // Several times each, so that the statements are prepared on whichever pooled connections serve them.
    const before = await read();
    for (let i = 0; i < 3; i++) {
      assert.equal((await read()).statusCode, 200);
      assert.equal((await query()).statusCode, 200);
    }

    await sql`alter table customers add column nickname text`.execute(other.db);

    for (let i = 0; i < 3; i++) {
      const after = await read();
      assert.equal(after.statusCode, 200);
      assert.deepEqual(after.json(), before.json());
      const queried = await query();
      assert.equal(queried.statusCode, 200);
      assert.deepEqual(queried.json(), before.json());
    }
  });

  it('a transaction that uses a statement planned before the change still succeeds', async () => {
    const { apiKey } = await h.newOrg();
    const ticket = () => h.extPost('/ticket/createTicket', apiKey, { title: 'Offline', customerEmail: 'grace@example.com' });
    // Several times, so that the customer lookup inside the transaction is prepared on more than one pooled
    // connection: the run after the change must not meet the old plan again on another connection.
    const parallel = async (n: number) => (await Promise.all(Array.from({ length: n }, ticket))).map((res) => res.statusCode);
    assert.deepEqual(await parallel(6), [200, 200, 200, 200, 200, 200]);

    await sql`alter table customers add column pronouns text`.execute(other.db);

    // SQLite prepares again inside the transaction. PostgreSQL has aborted the transaction by the time it reports
    // the stale plan; the transaction then runs again with the statement unnamed (db/transaction.ts).
    assert.deepEqual(await parallel(6), [200, 200, 200, 200, 200, 200]);
    assert.deepEqual(await parallel(6), [200, 200, 200, 200, 200, 200]);
  });
});
