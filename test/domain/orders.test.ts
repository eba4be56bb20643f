import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { it } from 'node:test';
import { DomainError } from '../../src/domain/errors.js';
import { linkOrder } from '../../src/domain/orders/service.js';
import { runTelemap } from '../support/cli.js';
import { describeEachDialect } from '../support/harness.js';

describeEachDialect('customer orders', (h) => {
  async function newCustomer(apiKey: string, email: string): Promise<string> {
    const res = await h.extPost('/customer/createOrUpdateCustomer', apiKey, { email });
    assert.equal(res.statusCode, 200);
    return res.json().telemetronCustomerId as string;
  }

  it('shows linked order identifiers in queryCustomer and getCustomer, oldest first, each once', async () => {
    const { apiKey, organizationId } = await h.newOrg();
    const id = await newCustomer(apiKey, 'buyer@example.com');
    assert.deepEqual(await linkOrder(h.ctx, organizationId, { customerId: id }, ' ORD-1 '), { customerId: id, linked: true });
    h.clock.advance(1000);
    assert.deepEqual(await linkOrder(h.ctx, organizationId, { customerEmail: 'BUYER@example.com' }, 'ORD-2'), { customerId: id, linked: true });
    // Idempotent: linking again changes nothing.
    assert.deepEqual(await linkOrder(h.ctx, organizationId, { customerId: id }, 'ORD-1'), { customerId: id, linked: false });
    h.clock.reset();

    const queried = await h.extPost('/customer/queryCustomer', apiKey, { email: 'buyer@example.com' });
    assert.equal(queried.statusCode, 200);
    assert.deepEqual(queried.json().orders, ['ORD-1', 'ORD-2']);
    const fetched = await h.extGet(`/customer/getCustomer/${id}`, apiKey);
    assert.deepEqual(fetched.json().orders, ['ORD-1', 'ORD-2']);
  });

  it("refuses another organization's customer, unknown customers and empty identifiers", async () => {
    const owner = await h.newOrg('Owner');
    const other = await h.newOrg('Other');
    const id = await newCustomer(owner.apiKey, 'mine@example.com');
    const code = (error: unknown) => (error instanceof DomainError ? error.problem.code : String(error));
    await assert.rejects(linkOrder(h.ctx, other.organizationId, { customerId: id }, 'X'), (e) => code(e) === 'customer_not_found');
    await assert.rejects(linkOrder(h.ctx, other.organizationId, { customerEmail: 'mine@example.com' }, 'X'), (e) => code(e) === 'customer_not_found');
    await assert.rejects(linkOrder(h.ctx, owner.organizationId, { customerId: id }, '  '), (e) => code(e) === 'invalid_input');
    await assert.rejects(linkOrder(h.ctx, randomUUID(), { customerId: id }, 'X'), (e) => code(e) === 'organization_not_found');
    assert.deepEqual((await h.extGet(`/customer/getCustomer/${id}`, owner.apiKey)).json().orders, []);
  });

  it('links orders from the CLI: telemap order link', async () => {
    const { apiKey, organizationId } = await h.newOrg();
    await newCustomer(apiKey, 'cli@example.com');
    const linked = await runTelemap(['order', 'link', '--org', organizationId, '--customer', 'CLI@example.com', '--order', 'A-100'], h.databaseUrl);
    assert.equal(linked.code, 0, linked.stderr);
    assert.equal(linked.stdout, 'Order A-100 linked to cli@example.com.\n');
    const unknown = await runTelemap(['order', 'link', '--org', organizationId, '--customer', 'nobody@example.com', '--order', 'A-1'], h.databaseUrl);
    assert.equal(unknown.code, 1);
    assert.equal(unknown.stderr, 'telemap: customer not found in this organization\n');
    const record = (await h.extPost('/customer/queryCustomer', apiKey, { email: 'cli@example.com' })).json();
    assert.deepEqual(record.orders, ['A-100']);
  });
});
