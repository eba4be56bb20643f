import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { it } from 'node:test';
import { describeEachDialect } from '../../support/harness.js';

const EMAIL_TAKEN = 'Customer already exists with this email. Specify telemetronCustomerId to update fields.';

describeEachDialect('ext-v1 customers', (h) => {
  async function create(apiKey: string, body: unknown) {
    const res = await h.extPost('/customer/createOrUpdateCustomer', apiKey, body);
    return { status: res.statusCode, body: res.json() as Record<string, unknown> };
  }

  it('creates a customer with a trimmed, lower-cased email and a default name', async () => {
    const { apiKey, organizationId } = await h.newOrg();
    const created = await create(apiKey, { email: '  John.Doe@Example.COM ' });
    assert.equal(created.status, 200);
    assert.deepEqual(Object.keys(created.body).sort(), ['message', 'success', 'telemetronCustomerId']);
    assert.equal(created.body.success, true);
    assert.equal(created.body.message, 'Customer created successfully');
    const id = created.body.telemetronCustomerId as string;

    const fetched = await h.extGet(`/customer/getCustomer/${id}`, apiKey);
    assert.equal(fetched.statusCode, 200);
    const record = fetched.json();
    assert.deepEqual(
      { ...record, createdAt: undefined, updatedAt: undefined },
      {
        id,
        organizationId,
        name: 'john.doe',
        email: 'john.doe@example.com',
        phone: null,
        address: null,
        devices: [],
        orders: [],
        metadata: {},
        createdAt: undefined,
        updatedAt: undefined,
      },
    );
    assert.match(record.createdAt, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    assert.equal(record.createdAt, record.updatedAt);
  });

  it('queries case-insensitively and returns the record without a success field', async () => {
    const { apiKey } = await h.newOrg();
    const created = await create(apiKey, {
      email: 'jane@example.com',
      name: 'Jane Roe',
      phone: '+1234567890',
      address: '123 Main St',
      metadata: { tier: 'gold' },
    });
    const res = await h.extPost('/customer/queryCustomer', apiKey, { email: ' JANE@example.com ' });
    assert.equal(res.statusCode, 200);
    const body = res.json();
    assert.equal(body.success, undefined);
    assert.equal(body.id, created.body.telemetronCustomerId);
    assert.equal(body.name, 'Jane Roe');
    assert.equal(body.phone, '+1234567890');
    assert.equal(body.address, '123 Main St');
    assert.deepEqual(body.metadata, { tier: 'gold' });
  });

  it('answers 409 with the existing id when the email is taken, whatever its case', async () => {
    const { apiKey } = await h.newOrg();
    const first = await create(apiKey, { email: 'dup@example.com' });
    const second = await create(apiKey, { email: 'DUP@example.com', name: 'Other' });
    assert.equal(second.status, 409);
    assert.deepEqual(second.body, {
      error: EMAIL_TAKEN,
      telemetronCustomerId: first.body.telemetronCustomerId,
      requestId: second.body.requestId,
    });
  });

  it('updates only the fields sent', async () => {
    const { apiKey } = await h.newOrg();
    const created = await create(apiKey, { email: 'p@example.com', name: 'Pat', phone: '111', address: 'Home' });
    const id = created.body.telemetronCustomerId as string;
    const updated = await create(apiKey, { email: 'p@example.com', telemetronCustomerId: id, phone: '222' });
    assert.equal(updated.status, 200);
    assert.deepEqual(updated.body, { success: true, telemetronCustomerId: id, message: 'Customer updated successfully' });
    const record = (await h.extGet(`/customer/getCustomer/${id}`, apiKey)).json();
    assert.equal(record.name, 'Pat');
    assert.equal(record.phone, '222');
    assert.equal(record.address, 'Home');
  });

  it('clears phone and address sent as empty strings on update, whatever was set before', async () => {
    const { apiKey } = await h.newOrg();
    const id = (await create(apiKey, { email: 'c@example.com', name: 'Cam', phone: '111', address: 'Home' })).body
      .telemetronCustomerId as string;
    // Each update sets a different set of columns: each must bind its own values, nulls included.
    const cleared = await create(apiKey, { email: 'c@example.com', telemetronCustomerId: id, phone: '', address: '' });
    assert.deepEqual(cleared.body, { success: true, telemetronCustomerId: id, message: 'Customer updated successfully' });
    const renamed = await create(apiKey, { email: 'c@example.com', telemetronCustomerId: id, name: 'Cameron' });
    assert.equal(renamed.status, 200);
    const record = (await h.extGet(`/customer/getCustomer/${id}`, apiKey)).json();
    assert.equal(record.name, 'Cameron');
    assert.equal(record.phone, null);
    assert.equal(record.address, null);
  });

  it('changes the email on update, and refuses one that another customer holds with its id', async () => {
    const { apiKey } = await h.newOrg();
    const a = (await create(apiKey, { email: 'a@example.com' })).body.telemetronCustomerId as string;
    const b = (await create(apiKey, { email: 'b@example.com' })).body.telemetronCustomerId as string;

    const moved = await create(apiKey, { email: 'A.New@example.com', telemetronCustomerId: a });
    assert.equal(moved.status, 200);
    const record = (await h.extPost('/customer/queryCustomer', apiKey, { email: 'a.new@example.com' })).json();
    assert.equal(record.id, a);

    const clash = await create(apiKey, { email: 'B@example.com', telemetronCustomerId: a });
    assert.equal(clash.status, 409);
    assert.equal(clash.body.error, EMAIL_TAKEN);
    assert.equal(clash.body.telemetronCustomerId, b);
  });

  it('answers 404 for an unknown telemetronCustomerId', async () => {
    const { apiKey } = await h.newOrg();
    for (const id of [randomUUID(), 'not-a-uuid']) {
      const res = await create(apiKey, { email: 'x@example.com', telemetronCustomerId: id });
      assert.equal(res.status, 404);
      assert.equal(res.body.error, 'Customer not found or does not belong to this organization');
    }
  });

  it('validates the email with the exact messages', async () => {
    const { apiKey } = await h.newOrg();
    for (const body of [{}, { email: '' }, { email: '   ' }, { email: null }]) {
      const res = await create(apiKey, body);
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.equal(res.body.error, 'Email is required');
    }
    for (const email of ['plainaddress', 'a b@example.com', 'a@example', '@example.com', 'a@@example.com', 42]) {
      const res = await create(apiKey, { email });
      assert.equal(res.status, 400, String(email));
      assert.equal(res.body.error, 'Invalid email format');
    }
    const q = await h.extPost('/customer/queryCustomer', apiKey, {});
    assert.equal(q.statusCode, 400);
    assert.equal(q.json().error, 'Email is required');
  });

  it('ignores extra request fields', async () => {
    const { apiKey } = await h.newOrg();
    const res = await create(apiKey, { email: 'extra@example.com', favouriteColour: 'blue', nested: { a: 1 } });
    assert.equal(res.status, 200);
  });

  it('answers the exact 404s and 400 of lookups', async () => {
    const { apiKey } = await h.newOrg();
    const q = await h.extPost('/customer/queryCustomer', apiKey, { email: 'nobody@example.com' });
    assert.equal(q.statusCode, 404);
    assert.equal(q.json().error, 'Customer not found');
    const g = await h.extGet(`/customer/getCustomer/${randomUUID()}`, apiKey);
    assert.equal(g.statusCode, 404);
    assert.equal(g.json().error, 'Customer not found');
    const bad = await h.extGet('/customer/getCustomer/12345', apiKey);
    assert.equal(bad.statusCode, 400);
    assert.equal(bad.json().error, 'Invalid customer ID');
  });

  it("treats another organization's customer exactly like a missing one", async () => {
    const owner = await h.newOrg('Owner');
    const other = await h.newOrg('Other');
    const id = (await create(owner.apiKey, { email: 'mine@example.com' })).body.telemetronCustomerId as string;

    const missing = await h.extGet(`/customer/getCustomer/${randomUUID()}`, other.apiKey);
    const foreign = await h.extGet(`/customer/getCustomer/${id}`, other.apiKey);
    assert.equal(foreign.statusCode, missing.statusCode);
    assert.equal(foreign.json().error, missing.json().error);

    const query = await h.extPost('/customer/queryCustomer', other.apiKey, { email: 'mine@example.com' });
    assert.equal(query.statusCode, 404);
    assert.equal(query.json().error, 'Customer not found');

    const update = await create(other.apiKey, { email: 'mine@example.com', telemetronCustomerId: id, name: 'Hijack' });
    assert.equal(update.status, 404);
    assert.equal(update.body.error, 'Customer not found or does not belong to this organization');

    // The same email is free in another organization.
    const own = await create(other.apiKey, { email: 'mine@example.com' });
    assert.equal(own.status, 200);
    const original = (await h.extGet(`/customer/getCustomer/${id}`, owner.apiKey)).json();
    assert.equal(original.name, 'mine');
  });

  it('lets exactly one of many parallel creates of one email succeed', async () => {
    const { apiKey } = await h.newOrg();
    const results = await Promise.all(
      Array.from({ length: 25 }, (_, i) => create(apiKey, { email: `Race@example.com`, name: `racer ${i}` })),
    );
    const ok = results.filter((r) => r.status === 200);
    const conflicts = results.filter((r) => r.status === 409);
    assert.equal(ok.length, 1);
    assert.equal(conflicts.length, 24);
    for (const c of conflicts) assert.equal(c.body.telemetronCustomerId, ok[0]!.body.telemetronCustomerId);
  });
});
