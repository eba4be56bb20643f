// A request reading while another request's transaction is open never sees that transaction's writes, which may
// still roll back. On SQLite both share the one connection, and the transaction may be a group commit waiting
// between two statements (db/sqlite/group-commit.ts): the read must wait for it instead of running inside it.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { inTransaction } from '../../src/db/transaction.js';
import { newId } from '../../src/domain/ids.js';
import { describeEachDialect } from '../support/harness.js';

describeEachDialect('reads while another transaction is open', (h) => {
  it('a request never sees the writes of a transaction that is still open, and nothing once it rolled back', async () => {
    const { apiKey, organizationId } = await h.newOrg();
    const customerId = newId();
    const now = h.clock.now().toISOString();
    let written!: () => void;
    const insideTransaction = new Promise<void>((resolve) => (written = resolve));
    let refuse!: () => void;
    const refusal = new Promise<void>((resolve) => (refuse = resolve));

    const failing = inTransaction(h.database, async (trx) => {
      await trx
        .insertInto('customers')
        .values({
          id: customerId,
          organization_id: organizationId,
          email: 'uncommitted@example.com',
          name: 'Uncommitted',
          phone: null,
          address: null,
          metadata: '{}',
          created_at: now,
          updated_at: now,
        })
        .execute();
      written();
      await refusal;
      throw new Error('refused after writing');
    });
    await insideTransaction;

    const reading = h.extGet(`/customer/getCustomer/${customerId}`, apiKey);
    // Let the read run as far as it can while the transaction stays open.
    await new Promise((resolve) => setTimeout(resolve, 50));
    refuse();
    await assert.rejects(failing, /refused after writing/);

    const response = await reading;
    assert.equal(response.statusCode, 404);
    assert.deepEqual(response.json(), { error: 'Customer not found', requestId: response.headers['x-request-id'] });
  });
});
