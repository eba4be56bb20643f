import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { it } from 'node:test';
import { exchangeSecretForToken } from '../../../src/domain/integration-tokens/service.js';
import { createOrganizationWithSecret } from '../../../src/domain/orgs/lifecycle.js';
import { browserAs, seedAssignment, seedDevice, seedTicket } from '../../support/dashboard.js';
import { describeEachDialect, type Harness } from '../../support/harness.js';

/** An organization with an integration token, and a customer. */
async function world(h: Harness) {
  const { organization, secret } = await createOrganizationWithSecret(h.ctx, { name: 'API test', email: `ops-${randomUUID()}@example.com` });
  const minted = await exchangeSecretForToken(h.ctx, organization.id, secret);
  assert.ok(minted);
  const organizationId = organization.id;
  const now = new Date().toISOString();
  const customerId = randomUUID();
  await h.database.db
    .insertInto('customers')
    .values({ id: customerId, organization_id: organizationId, email: 'carol@example.com', name: 'Carol', phone: null, address: null, metadata: '{"tier":"gold"}', created_at: now, updated_at: now })
    .execute();
  const bearer = { authorization: `Bearer ${minted.token}` };
  const get = (url: string, headers: Record<string, string> = bearer) => h.request({ method: 'GET', url: `/api/v1${url}`, headers });
  const post = (url: string, body: unknown, headers: Record<string, string> = bearer) => h.request({ method: 'POST', url: `/api/v1${url}`, headers, body });
  return { organizationId, customerId, token: minted.token, get, post };
}

function assertV1Error(res: { statusCode: number; json(): unknown; headers: Record<string, unknown> }, status: number, code: string) {
  assert.equal(res.statusCode, status);
  const body = res.json() as { error: { code: string; message: string; requestId: string } };
  assert.equal(body.error.code, code);
  assert.equal(typeof body.error.message, 'string');
  assert.equal(body.error.requestId, res.headers['x-request-id']);
}

describeEachDialect('/api/v1 customers, devices and tickets', (h) => {
  it('lists customers with cursor pagination that stays stable under inserts, and searches them', async () => {
    const w = await world(h);
    for (let i = 0; i < 6; i++) {
      const at = new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString();
      await h.database.db.insertInto('customers').values({ id: randomUUID(), organization_id: w.organizationId, email: `p${i}@example.com`, name: `Person ${i}`, phone: null, address: null, metadata: '{}', created_at: at, updated_at: at }).execute();
    }
    const first = await w.get('/customers?limit=3');
    assert.equal(first.statusCode, 200);
    const page1 = first.json();
    assert.deepEqual(Object.keys(page1).sort(), ['data', 'nextCursor', 'prevCursor']);
    assert.equal(page1.data.length, 3);
    assert.equal(page1.data[0].email, 'carol@example.com');
    assert.deepEqual(page1.data[0].metadata, { tier: 'gold' });
    // A customer created between two pages does not shift the next page.
    await h.database.db.insertInto('customers').values({ id: randomUUID(), organization_id: w.organizationId, email: 'late@example.com', name: 'Late', phone: null, address: null, metadata: '{}', created_at: new Date().toISOString(), updated_at: new Date().toISOString() }).execute();
    const page2 = (await w.get(`/customers?limit=3&cursor=${page1.nextCursor}`)).json();
    const page3 = (await w.get(`/customers?limit=3&cursor=${page2.nextCursor}`)).json();
    assert.deepEqual(
      [...page2.data, ...page3.data].map((c: { email: string }) => c.email),
      ['p3@example.com', 'p2@example.com', 'p1@example.com', 'p0@example.com'],
    );
    assert.equal(page3.nextCursor, null);
    const search = (await w.get('/customers?q=PERSON%205')).json();
    assert.deepEqual(search.data.map((c: { email: string }) => c.email), ['p5@example.com']);

    for (const bad of ['limit=0', 'limit=101', 'limit=x', 'cursor=garbage']) assertV1Error(await w.get(`/customers?${bad}`), 400, 'bad_request');
    assertV1Error(await w.get('/customers', {}), 401, 'unauthorized');
  });

  it('gets a customer and a device with owners and assignment history; other organizations get 404', async () => {
    const w = await world(h);
    const deviceId = await seedDevice(h, w.organizationId, 'SN-API-1', 'sensor', { fw: '1' });
    const otherId = randomUUID();
    await h.database.db.insertInto('customers').values({ id: otherId, organization_id: w.organizationId, email: 'dave@example.com', name: 'Dave', phone: null, address: null, metadata: '{}', created_at: '2026-01-01T00:00:00.000Z', updated_at: '2026-01-01T00:00:00.000Z' }).execute();
    await seedAssignment(h, w.organizationId, deviceId, otherId, '2026-01-01T00:00:00.000Z', '2026-02-01T00:00:00.000Z');
    await seedAssignment(h, w.organizationId, deviceId, w.customerId, '2026-02-01T00:00:00.000Z');

    const customer = (await w.get(`/customers/${w.customerId}`)).json();
    assert.deepEqual(customer.devices.map((d: { identifier: string }) => d.identifier), ['SN-API-1']);
    const device = (await w.get(`/devices/${deviceId}`)).json();
    assert.equal(device.identifier, 'SN-API-1');
    assert.deepEqual(device.metadata, { fw: '1' });
    assert.deepEqual(device.owners.map((o: { customerEmail: string }) => o.customerEmail), ['carol@example.com']);
    const history = (await w.get(`/devices/${deviceId}/assignments?limit=1`)).json();
    assert.equal(history.data[0].customerEmail, 'carol@example.com');
    assert.equal(history.data[0].unassignedAt, null);
    const older = (await w.get(`/devices/${deviceId}/assignments?limit=1&cursor=${history.nextCursor}`)).json();
    assert.equal(older.data[0].customerEmail, 'dave@example.com');
    assert.equal(older.data[0].unassignedAt, '2026-02-01T00:00:00.000Z');
    assert.equal(older.nextCursor, null);
    assert.deepEqual((await w.get('/devices?q=sens')).json().data.map((d: { id: string }) => d.id), [deviceId]);

    const stranger = await world(h);
    for (const path of [`/customers/${w.customerId}`, `/devices/${deviceId}`, `/devices/${deviceId}/assignments`, '/customers/not-a-uuid']) {
      assertV1Error(await stranger.get(path), 404, 'not_found');
    }
    assert.deepEqual((await stranger.get('/devices')).json(), { data: [], nextCursor: null, prevCursor: null });
  });

  it('lists tickets by status and priority, shows the conversation, changes status and appends replies', async () => {
    const w = await world(h);
    const a = await seedTicket(h, w.organizationId, w.customerId, { title: 'A', priority: 'high', createdAt: '2026-01-01T00:00:00.000Z', messages: ['hello'] });
    await seedTicket(h, w.organizationId, w.customerId, { title: 'B', priority: 'low', status: 'resolved', createdAt: '2026-01-02T00:00:00.000Z' });
    assert.deepEqual((await w.get('/tickets')).json().data.map((t: { title: string }) => t.title), ['B', 'A']);
    assert.deepEqual((await w.get('/tickets?status=open&priority=high')).json().data.map((t: { title: string }) => t.title), ['A']);
    assert.deepEqual((await w.get(`/tickets?customerId=${w.customerId}&status=resolved`)).json().data.map((t: { title: string }) => t.title), ['B']);
    assertV1Error(await w.get('/tickets?status=closed'), 400, 'bad_request');

    const changed = await w.post(`/tickets/${a}/status`, { status: 'in_progress' });
    assert.equal(changed.statusCode, 200);
    assert.equal(changed.json().status, 'in_progress');
    assertV1Error(await w.post(`/tickets/${a}/status`, { status: 'closed' }), 400, 'bad_request');

    const replies = await Promise.all(['one', 'two', 'three', 'four'].map((content) => w.post(`/tickets/${a}/replies`, { content })));
    for (const r of replies) assert.equal(r.statusCode, 201, r.body);
    const ticket = (await w.get(`/tickets/${a}`)).json();
    assert.deepEqual(ticket.messages.map((m: { position: number }) => m.position), [0, 1, 2, 3, 4]);
    assert.deepEqual(ticket.messages.slice(1).map((m: { content: string }) => m.content).sort(), ['four', 'one', 'three', 'two']);
    assert.ok(ticket.messages.slice(1).every((m: { role: string }) => m.role === 'agent'));
    assertV1Error(await w.post(`/tickets/${a}/replies`, { content: '' }), 400, 'bad_request');
    assertV1Error(await w.post(`/tickets/${a}/replies`, { content: '   ' }), 400, 'bad_request');

    const stranger = await world(h);
    assertV1Error(await stranger.get(`/tickets/${a}`), 404, 'not_found');
    assertV1Error(await stranger.post(`/tickets/${a}/status`, { status: 'resolved' }), 404, 'not_found');
    assertV1Error(await stranger.post(`/tickets/${a}/replies`, { content: 'hi' }), 404, 'not_found');
  });

  it('accepts a dashboard session cookie; writes need x-csrf-token; agents cannot manage API keys', async () => {
    const w = await world(h);
    const ticketId = await seedTicket(h, w.organizationId, w.customerId, { title: 'Cookie' });
    const agent = await browserAs(h, w.organizationId, 'agent');
    const cookie = { cookie: agent.cookie };
    const list = await w.get('/tickets', cookie);
    assert.equal(list.statusCode, 200);
    assert.deepEqual(list.json().data.map((t: { id: string }) => t.id), [ticketId]);

    assertV1Error(await w.post(`/tickets/${ticketId}/replies`, { content: 'no token' }, cookie), 403, 'forbidden');
    assertV1Error(await w.post(`/tickets/${ticketId}/replies`, { content: 'bad token' }, { ...cookie, 'x-csrf-token': 'nope' }), 403, 'forbidden');
    const ok = await w.post(`/tickets/${ticketId}/replies`, { content: 'with token' }, { ...cookie, 'x-csrf-token': agent.csrf });
    assert.equal(ok.statusCode, 201);

    assertV1Error(await w.get('/api-keys', cookie), 403, 'forbidden');
    const admin = await browserAs(h, w.organizationId, 'admin');
    assert.equal((await w.get('/api-keys', { cookie: admin.cookie })).statusCode, 200);
    assertV1Error(await w.get('/tickets', { cookie: 'telemap_session=forged' }), 401, 'unauthorized');
  });

  it('documents the endpoints in the OpenAPI document', async () => {
    const doc = (await h.request({ method: 'GET', url: '/openapi.json' })).json();
    for (const path of [
      '/api/v1/customers',
      '/api/v1/customers/{id}',
      '/api/v1/devices',
      '/api/v1/devices/{id}',
      '/api/v1/devices/{id}/assignments',
      '/api/v1/tickets',
      '/api/v1/tickets/{id}',
      '/api/v1/tickets/{id}/status',
      '/api/v1/tickets/{id}/replies',
    ]) {
      assert.ok(doc.paths[path], `${path} is documented`);
    }
    assert.ok(doc.components.securitySchemes.sessionCookie);
  });
});
