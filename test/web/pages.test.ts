import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import { browserAs, cookiesFrom, createCustomerViaExt, type Browser, seedAssignment, seedDevice, seedTicket } from '../support/dashboard.js';
import { describeEachDialect } from '../support/harness.js';

describeEachDialect('dashboard pages', (h) => {
  /** The GET a key-creating POST redirects to, carrying the one-time cookie that POST set. */
  const followNewKey = (browser: Browser, posted: LightMyRequestResponse) =>
    h.app.inject({
      method: 'GET',
      url: posted.headers.location!,
      headers: { cookie: `${browser.cookie}; telemap_new_key=${encodeURIComponent(cookiesFrom(posted).telemap_new_key!)}` },
    });

  it('Integrations: creates a key shown once, lists it by prefix, revokes it (ext-v1 then answers 401)', async () => {
    const { organizationId } = await h.newOrg();
    const admin = await browserAs(h, organizationId, 'admin');
    const page = await admin.get('/integrations');
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /\/api\/ext-v1\/customer\/createOrUpdateCustomer/);
    assert.match(page.body, /http:\/\/localhost:80\/api\/ext-v1|http:\/\/localhost\/api\/ext-v1/);

    const posted = await admin.post('/integrations/keys', { name: 'CRM sync' });
    assert.equal(posted.statusCode, 303, 'POST-redirect-GET: a reload cannot create a second key');
    const created = await followNewKey(admin, posted);
    assert.equal(created.statusCode, 200);
    assert.equal(created.headers['cache-control'], 'no-store');
    const reloaded = await admin.get('/integrations');
    assert.ok(!reloaded.body.includes('id="new-key"'), 'without its one-time cookie the page shows no key');
    const keyCount = await h.database.db.selectFrom('api_keys').select('id').where('organization_id', '=', organizationId).execute();
    assert.equal(keyCount.length, 2, 'the default key and this one');
    const apiKey = /id="new-key" readonly value="(tlm_[^"]+)"/.exec(created.body)?.[1];
    assert.ok(apiKey, 'the new key is shown');
    assert.equal((await h.extPost('/customer/queryCustomer', apiKey, { email: 'nobody@example.com' })).statusCode, 404);

    const again = await admin.get('/integrations');
    assert.ok(!again.body.includes(apiKey), 'the full key is never shown again');
    assert.ok(again.body.includes(apiKey.slice(0, 12)), 'its prefix is listed');
    assert.match(again.body, /CRM sync/);

    const keyId = (await h.database.db.selectFrom('api_keys').select('id').where('name', '=', 'CRM sync').where('organization_id', '=', organizationId).executeTakeFirstOrThrow()).id;
    const revoked = await admin.post(`/integrations/keys/${keyId}/revoke`);
    assert.equal(revoked.statusCode, 303);
    assert.equal(revoked.headers.location, '/integrations?notice=key-revoked');
    const refused = await h.extPost('/customer/queryCustomer', apiKey, { email: 'nobody@example.com' });
    assert.equal(refused.statusCode, 401);

    // Another organization's admin cannot revoke this organization's keys.
    const other = await h.newOrg();
    const stranger = await browserAs(h, other.organizationId, 'admin');
    const defaultKey = (await h.database.db.selectFrom('api_keys').select('id').where('name', '=', 'default').where('organization_id', '=', organizationId).executeTakeFirstOrThrow()).id;
    assert.equal((await stranger.post(`/integrations/keys/${defaultKey}/revoke`)).statusCode, 404);
  });

  it('Integrations: regenerates a key, the old one working through the chosen grace period', async () => {
    const { organizationId, apiKey } = await h.newOrg();
    const admin = await browserAs(h, organizationId, 'admin');
    const keyId = (await h.database.db.selectFrom('api_keys').select('id').where('organization_id', '=', organizationId).executeTakeFirstOrThrow()).id;
    const rolledPost = await admin.post(`/integrations/keys/${keyId}/regenerate`, { graceSeconds: '3600' });
    assert.equal(rolledPost.statusCode, 303);
    const rolled = await followNewKey(admin, rolledPost);
    assert.equal(rolled.statusCode, 200);
    const newKey = /id="new-key" readonly value="(tlm_[^"]+)"/.exec(rolled.body)?.[1];
    assert.ok(newKey);
    assert.match(rolled.body, /keeps working until/);
    const probe = (key: string) => h.extPost('/customer/queryCustomer', key, { email: 'nobody@example.com' });
    assert.equal((await probe(newKey)).statusCode, 404);
    assert.equal((await probe(apiKey)).statusCode, 404, 'the old key works during the grace period');
    h.clock.advance(3601 * 1000);
    try {
      assert.equal((await probe(apiKey)).statusCode, 401, 'and not after it');
      assert.equal((await probe(newKey)).statusCode, 404);
    } finally {
      h.clock.reset();
    }
    const bad = await admin.post(`/integrations/keys/${keyId}/regenerate`, { graceSeconds: '99' });
    assert.equal(bad.statusCode, 400);
  });

  it('Tickets: the inbox filters by status and priority, newest first, with an empty state', async () => {
    const { organizationId, apiKey } = await h.newOrg();
    const agent = await browserAs(h, organizationId, 'agent');
    const empty = await agent.get('/tickets');
    assert.match(empty.body, /The inbox is empty/);
    const customerId = await createCustomerViaExt(h, apiKey, 'ann@example.com', 'Ann');
    await seedTicket(h, organizationId, customerId, { title: 'Old urgent', priority: 'urgent', createdAt: '2026-01-01T00:00:00.000Z' });
    await seedTicket(h, organizationId, customerId, { title: 'New low', priority: 'low', createdAt: '2026-02-01T00:00:00.000Z' });
    await seedTicket(h, organizationId, customerId, { title: 'Done', status: 'resolved', createdAt: '2026-03-01T00:00:00.000Z' });
    const all = await agent.get('/tickets');
    const order = ['Done', 'New low', 'Old urgent'].map((t) => all.body.indexOf(t));
    assert.ok(order.every((i) => i > 0) && order[0]! < order[1]! && order[1]! < order[2]!, 'newest first');
    const urgent = await agent.get('/tickets?priority=urgent');
    assert.match(urgent.body, /Old urgent/);
    assert.doesNotMatch(urgent.body, /New low|>Done</);
    const resolved = await agent.get('/tickets?status=resolved');
    assert.match(resolved.body, />Done</);
    assert.doesNotMatch(resolved.body, /Old urgent/);
    const none = await agent.get('/tickets?status=waiting_for_customer');
    assert.match(none.body, /No tickets match these filters/);
  });

  it('Tickets: an agent replies and changes the status; other organizations see nothing', async () => {
    const { organizationId, apiKey } = await h.newOrg();
    const agent = await browserAs(h, organizationId, 'agent');
    const customerId = await createCustomerViaExt(h, apiKey, 'bob@example.com', 'Bob <script>alert(1)</script>');
    const deviceId = await seedDevice(h, organizationId, 'SN-REPLY-1');
    const ticketId = await seedTicket(h, organizationId, customerId, { title: 'Heater broken', deviceId, messages: ['It is cold'] });
    const page = await agent.get(`/tickets/${ticketId}`);
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /It is cold/);
    assert.match(page.body, /SN-REPLY-1/);
    assert.match(page.body, /Bob &lt;script&gt;alert\(1\)&lt;\/script&gt;/);
    assert.doesNotMatch(page.body, /<script>alert/);

    const replied = await agent.post(`/tickets/${ticketId}/replies`, { content: 'We are sending a technician.' });
    assert.equal(replied.statusCode, 303);
    const changed = await agent.post(`/tickets/${ticketId}/status`, { status: 'waiting_for_customer' });
    assert.equal(changed.statusCode, 303);
    const after = await agent.get(`/tickets/${ticketId}?notice=status-changed`);
    assert.match(after.body, /We are sending a technician\./);
    assert.match(after.body, /The status was changed/);
    const messages = await h.database.db.selectFrom('ticket_messages').select(['position', 'role']).where('ticket_id', '=', ticketId).orderBy('position').execute();
    assert.deepEqual(messages, [
      { position: 0, role: 'customer' },
      { position: 1, role: 'agent' },
    ]);
    const ticket = await h.database.db.selectFrom('tickets').select('status').where('id', '=', ticketId).executeTakeFirstOrThrow();
    assert.equal(ticket.status, 'waiting_for_customer');

    const empty = await agent.post(`/tickets/${ticketId}/replies`, { content: '   ' });
    assert.equal(empty.statusCode, 400);

    const other = await h.newOrg();
    const stranger = await browserAs(h, other.organizationId, 'agent');
    assert.equal((await stranger.get(`/tickets/${ticketId}`)).statusCode, 404);
    assert.equal((await stranger.post(`/tickets/${ticketId}/replies`, { content: 'hi' })).statusCode, 404);
    assert.equal((await stranger.post(`/tickets/${ticketId}/status`, { status: 'resolved' })).statusCode, 404);
    assert.equal((await stranger.get(`/customers/${customerId}`)).statusCode, 404);
    assert.equal((await stranger.get(`/devices/${deviceId}`)).statusCode, 404);
  });

  it('Customers: search by email or name, paginated, and a customer page with devices and tickets', async () => {
    const { organizationId, apiKey } = await h.newOrg();
    const agent = await browserAs(h, organizationId, 'agent');
    assert.match((await agent.get('/customers')).body, /No customers yet/);
    for (let i = 0; i < 27; i++) await createCustomerViaExt(h, apiKey, `bulk${String(i).padStart(2, '0')}@example.com`);
    const dora = await createCustomerViaExt(h, apiKey, 'dora@explorer.example', 'Dora Marquez');
    const first = await agent.get('/customers');
    const next = /href="\/customers\?cursor=([^"]+)" rel="next"/.exec(first.body)?.[1];
    assert.ok(next, 'a next page link');
    const second = await agent.get(`/customers?cursor=${next}`);
    const emailsOf = (body: string) => [...body.matchAll(/<td>([^<]+@[^<]+)<\/td>/g)].map((m) => m[1]);
    const seen = [...emailsOf(first.body), ...emailsOf(second.body)];
    assert.equal(seen.length, 28);
    assert.equal(new Set(seen).size, 28);

    const byName = await agent.get('/customers?q=marquez');
    assert.match(byName.body, /Dora Marquez/);
    assert.doesNotMatch(byName.body, /bulk00/);
    const byEmail = await agent.get('/customers?q=EXPLORER');
    assert.match(byEmail.body, /dora@explorer\.example/);
    const wildcard = await agent.get('/customers?q=%25');
    assert.match(wildcard.body, /No customer matches/);

    const deviceId = await seedDevice(h, organizationId, 'SN-DORA-1');
    await seedAssignment(h, organizationId, deviceId, dora, '2026-01-01T00:00:00.000Z');
    await seedTicket(h, organizationId, dora, { title: 'Lost map' });
    const page = await agent.get(`/customers/${dora}`);
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /SN-DORA-1/);
    assert.match(page.body, /Lost map/);
    assert.match(page.body, /dora@explorer\.example/);
  });

  it('Devices: search by identifier or type, and a device page with owners, history and metadata', async () => {
    const { organizationId, apiKey } = await h.newOrg();
    const agent = await browserAs(h, organizationId, 'agent');
    assert.match((await agent.get('/devices')).body, /No devices yet/);
    const deviceId = await seedDevice(h, organizationId, 'SN-HIST-1', 'heat-pump', { firmware: '2.1.0' });
    await seedDevice(h, organizationId, 'MAC-00-11', 'router');
    const first = await createCustomerViaExt(h, apiKey, 'first@example.com', 'First Owner');
    const second = await createCustomerViaExt(h, apiKey, 'second@example.com', 'Second Owner');
    await seedAssignment(h, organizationId, deviceId, first, '2026-01-01T00:00:00.000Z', '2026-03-01T00:00:00.000Z');
    await seedAssignment(h, organizationId, deviceId, second, '2026-03-01T00:00:00.000Z');

    const byType = await agent.get('/devices?q=heat');
    assert.match(byType.body, /SN-HIST-1/);
    assert.doesNotMatch(byType.body, /MAC-00-11/);
    const byIdentifier = await agent.get('/devices?q=mac-00');
    assert.match(byIdentifier.body, /MAC-00-11/);

    const page = await agent.get(`/devices/${deviceId}`);
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /Assignment history/);
    assert.match(page.body, /First Owner/);
    assert.match(page.body, /Second Owner/);
    assert.match(page.body, /current owner/);
    assert.match(page.body, /2026-03-01 00:00 UTC/);
    assert.match(page.body, /&quot;firmware&quot;: &quot;2\.1\.0&quot;/);
    assert.equal((await agent.get('/devices/not-a-uuid')).statusCode, 404);
  });
});
