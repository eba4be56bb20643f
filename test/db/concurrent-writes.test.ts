// Writes sent together get the answers they would get one at a time. On SQLite they arrive in the same turn of the
// event loop and commit as one transaction (db/sqlite/group-commit.ts; test/db/group-commit.test.ts checks the grouping
// itself), so a refused write must be undone without undoing its neighbours, and each request must get its own
// answer. On PostgreSQL each runs in its own transaction; the answers must be the same.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { describeEachDialect } from '../support/harness.js';

const EMAIL_TAKEN = 'Customer already exists with this email. Specify telemetronCustomerId to update fields.';

describeEachDialect('writes sent together', (h) => {
  it('each get their own answer, and only the refused ones leave nothing behind', async () => {
    const { apiKey, organizationId } = await h.newOrg();
    const post = async (path: string, body: unknown) => {
      const res = await h.extPost(path, apiKey, body);
      return { status: res.statusCode, body: res.json() as Record<string, unknown> };
    };
    const existing = await post('/customer/createOrUpdateCustomer', { email: 'kept@example.com', name: 'Kept' });
    const other = await post('/customer/createOrUpdateCustomer', { email: 'other@example.com', name: 'Other' });
    const keptId = existing.body.telemetronCustomerId as string;
    const otherId = other.body.telemetronCustomerId as string;

    const ticket = (i: number) => post('/ticket/createTicket', { title: `T${i}`, customerEmail: `ticket${i}@example.com` });
    const refusedTicket = (i: number) =>
      post('/ticket/createTicket', { title: `R${i}`, customerEmail: `refused${i}@example.com`, deviceIdentifier: `SN-NONE-${i}` });
    const answers = await Promise.all([
      ticket(1),
      refusedTicket(1),
      post('/customer/createOrUpdateCustomer', { email: 'kept@example.com', telemetronCustomerId: keptId, name: 'Renamed' }),
      ticket(2),
      post('/customer/createOrUpdateCustomer', { email: 'other@example.com', telemetronCustomerId: keptId }),
      post('/customer/createOrUpdateCustomer', { email: 'new@example.com', name: 'New' }),
      refusedTicket(2),
      post('/customer/createOrUpdateCustomer', { email: 'OTHER@example.com', name: 'Clash' }),
      ticket(3),
    ]);

    const [t1, r1, renamed, t2, takenByUpdate, created, r2, takenByCreate, t3] = answers;
    for (const ok of [t1, t2, t3]) {
      assert.deepEqual(ok!, { status: 200, body: { success: true, ticketId: ok!.body.ticketId, message: 'Ticket created successfully' } });
    }
    for (const refused of [r1, r2]) {
      assert.deepEqual(refused!, { status: 404, body: { error: 'Device not found', requestId: refused!.body.requestId } });
    }
    assert.deepEqual(renamed, { status: 200, body: { success: true, telemetronCustomerId: keptId, message: 'Customer updated successfully' } });
    assert.deepEqual(created!, { status: 200, body: { success: true, telemetronCustomerId: created!.body.telemetronCustomerId, message: 'Customer created successfully' } });
    for (const taken of [takenByUpdate, takenByCreate]) {
      assert.deepEqual(taken!, {
        status: 409,
        body: { error: EMAIL_TAKEN, telemetronCustomerId: otherId, requestId: taken!.body.requestId },
      });
    }

    const customers = await h.database.db
      .selectFrom('customers')
      .select(['email', 'name'])
      .where('organization_id', '=', organizationId)
      .orderBy('email')
      .execute();
    assert.deepEqual(customers, [
      { email: 'kept@example.com', name: 'Renamed' },
      { email: 'new@example.com', name: 'New' },
      { email: 'other@example.com', name: 'Other' },
      { email: 'ticket1@example.com', name: 'ticket1' },
      { email: 'ticket2@example.com', name: 'ticket2' },
      { email: 'ticket3@example.com', name: 'ticket3' },
    ]);
    const tickets = await h.database.db.selectFrom('tickets').select('title').where('organization_id', '=', organizationId).orderBy('title').execute();
    assert.deepEqual(tickets, [{ title: 'T1' }, { title: 'T2' }, { title: 'T3' }]);
  });
});
