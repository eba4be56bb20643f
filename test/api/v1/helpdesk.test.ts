// The help desk over /api/v1: authors on every message, internal notes kept out of customer-facing payloads,
// customer messages reopening a waiting ticket, assignment and its views, priority and category changes with
// their timeline, text search and paging both ways. Tenancy on every new route.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { browserAs, createCustomerViaExt, uniqueEmail } from '../../support/dashboard.js';
import { describeEachDialect, type Harness, type TestOrg } from '../../support/harness.js';
import { createCategory } from '../../../src/domain/categories/service.js';

async function openTicket(h: Harness, org: TestOrg, title = 'Heater stopped', message = 'It is cold') {
  const email = uniqueEmail('cust');
  await createCustomerViaExt(h, org.apiKey, email);
  const res = await h.extPost('/ticket/createTicket', org.apiKey, { customerEmail: email, title, messages: [{ role: 'customer', content: message }] });
  assert.equal(res.statusCode, 200, res.body);
  const body = res.json() as Record<string, unknown>;
  return { id: String(body.ticketId ?? body.id), email };
}

function key(org: TestOrg) {
  return { 'x-api-key': org.apiKey };
}

async function outboxPayloads(h: Harness, organizationId: string): Promise<string[]> {
  const rows = await h.database.db.selectFrom('outbox_events').select('payload').where('organization_id', '=', organizationId).execute();
  return rows.map((r) => r.payload);
}

describeEachDialect('help desk over /api/v1', (h) => {
  it('records the author of every message: customer, API key, signed-in user', async () => {
    const org = await h.newOrg();
    const { id, email } = await openTicket(h, org);
    const agent = await browserAs(h, org.organizationId, 'agent');
    const byKey = await h.request({ method: 'POST', url: `/api/v1/tickets/${id}/replies`, headers: key(org), body: { content: 'On it' } });
    assert.equal(byKey.statusCode, 201, byKey.body);
    assert.equal(byKey.json().author.type, 'api_key');
    const bySession = await h.request({
      method: 'POST',
      url: `/api/v1/tickets/${id}/messages`,
      headers: { cookie: agent.cookie, 'x-csrf-token': agent.csrf },
      body: { role: 'agent', content: 'Try resetting it' },
    });
    assert.equal(bySession.statusCode, 201, bySession.body);
    assert.deepEqual(bySession.json().author.type, 'user');
    assert.equal(bySession.json().author.name, agent.email);
    const got = await h.request({ method: 'GET', url: `/api/v1/tickets/${id}`, headers: key(org) });
    const authors = (got.json().messages as Array<{ author: { type: string; name: string | null } }>).map((m) => [m.author.type, m.author.name]);
    assert.deepEqual(authors, [
      ['customer', email],
      ['api_key', null],
      ['user', agent.email],
    ]);
  });

  it('keeps internal notes out of webhook payloads and marks them in /api/v1', async () => {
    const org = await h.newOrg();
    const { id } = await openTicket(h, org);
    const note = await h.request({
      method: 'POST',
      url: `/api/v1/tickets/${id}/messages`,
      headers: key(org),
      body: { role: 'agent', kind: 'note', content: 'SECRET-NOTE-42 customer was rude' },
    });
    assert.equal(note.statusCode, 201, note.body);
    assert.equal(note.json().kind, 'note');
    // A later public reply snapshots the ticket with its conversation: the note is not in it.
    await h.request({ method: 'POST', url: `/api/v1/tickets/${id}/messages`, headers: key(org), body: { role: 'agent', content: 'Public answer' } });
    await h.request({ method: 'PATCH', url: `/api/v1/tickets/${id}`, headers: key(org), body: { status: 'in_progress' } });
    const payloads = await outboxPayloads(h, org.organizationId);
    assert.ok(payloads.length >= 3);
    assert.ok(payloads.some((p) => p.includes('Public answer')));
    for (const p of payloads) assert.ok(!p.includes('SECRET-NOTE-42'), p);
    const types = await h.database.db.selectFrom('outbox_events').select('type').where('organization_id', '=', org.organizationId).execute();
    assert.deepEqual(
      types.map((t) => t.type).sort(),
      ['ticket.created', 'ticket.message_added', 'ticket.status_changed'].sort(),
    );
    const got = await h.request({ method: 'GET', url: `/api/v1/tickets/${id}`, headers: key(org) });
    assert.deepEqual(
      (got.json().messages as Array<{ kind: string }>).map((m) => m.kind),
      ['message', 'note', 'message'],
    );
    const customerNote = await h.request({ method: 'POST', url: `/api/v1/tickets/${id}/messages`, headers: key(org), body: { role: 'customer', kind: 'note', content: 'x' } });
    assert.equal(customerNote.statusCode, 400);
    assert.equal(customerNote.json().error.code, 'bad_request');
  });

  it("moves a waiting ticket back to open on the customer's message, with its event and timeline entry", async () => {
    const org = await h.newOrg();
    const { id, email } = await openTicket(h, org);
    const waiting = await h.request({
      method: 'POST',
      url: `/api/v1/tickets/${id}/messages`,
      headers: key(org),
      body: { role: 'agent', content: 'Can you send a photo?', status: 'waiting_for_customer' },
    });
    assert.equal(waiting.statusCode, 201, waiting.body);
    let ticket = await h.request({ method: 'GET', url: `/api/v1/tickets/${id}`, headers: key(org) });
    assert.equal(ticket.json().status, 'waiting_for_customer');
    const answer = await h.request({ method: 'POST', url: `/api/v1/tickets/${id}/messages`, headers: key(org), body: { role: 'customer', content: 'Here it is' } });
    assert.equal(answer.statusCode, 201, answer.body);
    assert.deepEqual(answer.json().author, { type: 'customer', id: ticket.json().customerId, name: email });
    ticket = await h.request({ method: 'GET', url: `/api/v1/tickets/${id}`, headers: key(org) });
    assert.equal(ticket.json().status, 'open');
    const events = await h.database.db
      .selectFrom('outbox_events')
      .select(['type', 'payload'])
      .where('organization_id', '=', org.organizationId)
      .where('type', '=', 'ticket.status_changed')
      .orderBy('created_at')
      .execute();
    assert.deepEqual(
      events.map((e) => (JSON.parse(e.payload) as { status: string; previousStatus: string }).previousStatus),
      ['open', 'waiting_for_customer'],
    );
    const timeline = await h.request({ method: 'GET', url: `/api/v1/tickets/${id}/timeline`, headers: key(org) });
    assert.equal(timeline.statusCode, 200, timeline.body);
    const entries = (timeline.json().data as Array<{ entry: string; type?: string; content?: string; to?: string; actor?: { type: string } }>).map((e) =>
      e.entry === 'message' ? `message:${e.content}` : `${e.type}:${e.to}:${e.actor?.type}`,
    );
    assert.deepEqual(entries, [
      'message:It is cold',
      'message:Can you send a photo?',
      'status_changed:waiting_for_customer:api_key',
      'message:Here it is',
      'status_changed:open:customer',
    ]);
    // The existing replies route still answers as before.
    const old = await h.request({ method: 'POST', url: `/api/v1/tickets/${id}/replies`, headers: key(org), body: { content: 'Thanks' } });
    assert.equal(old.statusCode, 201);
    assert.equal(old.json().role, 'agent');
  });

  it('assigns, changes priority and category with PATCH, and lists the assigned and unassigned views', async () => {
    const org = await h.newOrg();
    const a = await openTicket(h, org, 'First');
    const b = await openTicket(h, org, 'Second');
    await createCategory(h.ctx, org.organizationId, { name: 'Billing' });
    const agent = await browserAs(h, org.organizationId, 'agent');
    const session = { cookie: agent.cookie, 'x-csrf-token': agent.csrf };
    const me = await h.database.db.selectFrom('users').select('id').where('email', '=', agent.email).executeTakeFirstOrThrow();
    const patched = await h.request({
      method: 'PATCH',
      url: `/api/v1/tickets/${a.id}`,
      headers: session,
      body: { assigneeId: me.id, priority: 'urgent', category: 'billing' },
    });
    assert.equal(patched.statusCode, 200, patched.body);
    assert.deepEqual(patched.json().assignee, { id: me.id, email: agent.email });
    assert.equal(patched.json().priority, 'urgent');
    assert.equal(patched.json().category, 'Billing');
    const mine = await h.request({ method: 'GET', url: '/api/v1/tickets?assignee=me', headers: { cookie: agent.cookie } });
    assert.deepEqual((mine.json().data as Array<{ id: string }>).map((t) => t.id), [a.id]);
    const unassigned = await h.request({ method: 'GET', url: '/api/v1/tickets?assignee=none', headers: key(org) });
    assert.deepEqual((unassigned.json().data as Array<{ id: string }>).map((t) => t.id), [b.id]);
    const meByKey = await h.request({ method: 'GET', url: '/api/v1/tickets?assignee=me', headers: key(org) });
    assert.equal(meByKey.statusCode, 400);
    const timeline = await h.request({ method: 'GET', url: `/api/v1/tickets/${a.id}/timeline`, headers: key(org) });
    const changes = (timeline.json().data as Array<{ entry: string; type: string; from: string | null; to: string | null; actor: { name: string } }>)
      .filter((e) => e.entry === 'change')
      .map((e) => [e.type, e.from, e.to, e.actor.name]);
    assert.deepEqual(changes, [
      ['priority_changed', 'medium', 'urgent', agent.email],
      ['category_changed', null, 'Billing', agent.email],
      ['assignee_changed', null, agent.email, agent.email],
    ]);
    // A user of another organization, an unknown category, an unknown field: 400.
    const other = await h.newOrg();
    const stranger = await browserAs(h, other.organizationId, 'agent');
    const strangerId = await h.database.db.selectFrom('users').select('id').where('email', '=', stranger.email).executeTakeFirstOrThrow();
    for (const body of [{ assigneeId: strangerId.id }, { category: 'Nope' }, { colour: 'red' }, {}]) {
      const res = await h.request({ method: 'PATCH', url: `/api/v1/tickets/${a.id}`, headers: key(org), body });
      assert.equal(res.statusCode, 400, JSON.stringify(body));
      assert.equal(res.json().error.code, 'bad_request');
    }
    const unassign = await h.request({ method: 'PATCH', url: `/api/v1/tickets/${a.id}`, headers: key(org), body: { assigneeId: null } });
    assert.equal(unassign.json().assignee, null);
  });

  it("treats another organization's ticket as missing on every new route", async () => {
    const mine = await h.newOrg();
    const theirs = await h.newOrg();
    const { id } = await openTicket(h, theirs);
    const calls = [
      { method: 'PATCH', url: `/api/v1/tickets/${id}`, body: { priority: 'low' } },
      { method: 'POST', url: `/api/v1/tickets/${id}/messages`, body: { role: 'customer', content: 'hi' } },
      { method: 'GET', url: `/api/v1/tickets/${id}/timeline` },
    ] as const;
    for (const call of calls) {
      const res = await h.request({ ...call, headers: key(mine) });
      assert.equal(res.statusCode, 404, `${call.method} ${call.url}`);
      assert.equal(res.json().error.code, 'not_found');
      const anonymous = await h.request({ ...call });
      assert.equal(anonymous.statusCode, 401);
    }
    const search = await h.request({ method: 'GET', url: '/api/v1/tickets?q=cold', headers: key(mine) });
    assert.deepEqual(search.json().data, []);
  });

  it('searches title and messages with wildcards taken literally, and pages both ways', async () => {
    const org = await h.newOrg();
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      h.clock.advance(1000);
      ids.push((await openTicket(h, org, `Boiler ${i}`, i === 2 ? 'pressure at 100%_ now' : 'fine')).id);
    }
    const byMessage = await h.request({ method: 'GET', url: `/api/v1/tickets?q=${encodeURIComponent('100%_')}`, headers: key(org) });
    assert.deepEqual((byMessage.json().data as Array<{ id: string }>).map((t) => t.id), [ids[2]]);
    const wildcard = await h.request({ method: 'GET', url: `/api/v1/tickets?q=${encodeURIComponent('%')}`, headers: key(org) });
    assert.deepEqual((wildcard.json().data as Array<{ id: string }>).map((t) => t.id), [ids[2]]);
    const byTitle = await h.request({ method: 'GET', url: '/api/v1/tickets?q=BOILER%203', headers: key(org) });
    assert.deepEqual((byTitle.json().data as Array<{ id: string }>).map((t) => t.id), [ids[3]]);
    const tooLong = await h.request({ method: 'GET', url: `/api/v1/tickets?q=${'x'.repeat(201)}`, headers: key(org) });
    assert.equal(tooLong.statusCode, 400);
    const nul = await h.request({ method: 'GET', url: '/api/v1/tickets?q=a%00b', headers: key(org) });
    assert.equal(nul.statusCode, 400);

    const newestFirst = [...ids].reverse();
    const page1 = await h.request({ method: 'GET', url: '/api/v1/tickets?limit=2', headers: key(org) });
    assert.equal(page1.json().prevCursor, null);
    const page2 = await h.request({ method: 'GET', url: `/api/v1/tickets?limit=2&cursor=${page1.json().nextCursor}`, headers: key(org) });
    const page3 = await h.request({ method: 'GET', url: `/api/v1/tickets?limit=2&cursor=${page2.json().nextCursor}`, headers: key(org) });
    assert.deepEqual((page3.json().data as Array<{ id: string }>).map((t) => t.id), newestFirst.slice(4));
    assert.equal(page3.json().nextCursor, null);
    const back2 = await h.request({ method: 'GET', url: `/api/v1/tickets?limit=2&cursor=${page3.json().prevCursor}`, headers: key(org) });
    assert.deepEqual((back2.json().data as Array<{ id: string }>).map((t) => t.id), newestFirst.slice(2, 4));
    const back1 = await h.request({ method: 'GET', url: `/api/v1/tickets?limit=2&cursor=${back2.json().prevCursor}`, headers: key(org) });
    assert.deepEqual((back1.json().data as Array<{ id: string }>).map((t) => t.id), newestFirst.slice(0, 2));
    assert.equal(back1.json().prevCursor, null);
  });

  it('finds customers by phone and address, and devices by metadata values', async () => {
    const org = await h.newOrg();
    const email = uniqueEmail('phone');
    const created = await h.extPost('/customer/createOrUpdateCustomer', org.apiKey, { email, phone: '+44 20 7946 0958', address: '221B Baker Street' });
    assert.equal(created.statusCode, 200, created.body);
    await createCustomerViaExt(h, org.apiKey, uniqueEmail('other'));
    for (const q of ['7946', 'baker st']) {
      const res = await h.request({ method: 'GET', url: `/api/v1/customers?q=${encodeURIComponent(q)}`, headers: key(org) });
      assert.deepEqual((res.json().data as Array<{ email: string }>).map((c) => c.email), [email], q);
    }
    const { seedDevice } = await import('../../support/dashboard.js');
    await seedDevice(h, org.organizationId, 'dev-1', 'boiler', { firmware: 'v2.7.1-beta' });
    await seedDevice(h, org.organizationId, 'dev-2', 'boiler', { firmware: 'v1.0' });
    const res = await h.request({ method: 'GET', url: '/api/v1/devices?q=2.7.1', headers: key(org) });
    assert.deepEqual((res.json().data as Array<{ identifier: string }>).map((d) => d.identifier), ['dev-1']);
  });

  it("lists the organization's users (to assign tickets), and only theirs", async () => {
    const org = await h.newOrg();
    const agent = await browserAs(h, org.organizationId, 'agent');
    const other = await h.newOrg();
    await browserAs(h, other.organizationId, 'admin');
    const res = await h.request({ method: 'GET', url: '/api/v1/users', headers: key(org) });
    assert.equal(res.statusCode, 200, res.body);
    assert.deepEqual(
      (res.json().data as Array<{ email: string; role: string; state: string }>).map((u) => [u.email, u.role, u.state]),
      [[agent.email, 'agent', 'active']],
    );
    assert.equal((await h.request({ method: 'GET', url: '/api/v1/users' })).statusCode, 401);
  });

  it('documents the new routes in the OpenAPI document', async () => {
    const doc = (await h.request({ method: 'GET', url: '/openapi.json' })).json();
    assert.ok(doc.paths['/api/v1/tickets/{id}'].patch);
    assert.ok(doc.paths['/api/v1/tickets/{id}/messages'].post);
    assert.ok(doc.paths['/api/v1/tickets/{id}/timeline'].get);
    assert.ok(doc.paths['/api/v1/users'].get);
    assert.ok(doc.paths['/api/v1/tickets'].get.parameters.some((p: { name: string }) => p.name === 'q'));
  });
});
