// /api/v1/webhooks: the endpoints' life cycle, who may do what, and tenancy (support loop §6.2).
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { browserAs } from '../../support/dashboard.js';
import { describeEachDialect } from '../../support/harness.js';
import { apiV1Org } from '../../support/webhook-api.js';

function assertV1Error(res: { statusCode: number; json(): unknown; headers: Record<string, unknown> }, status: number, code: string) {
  assert.equal(res.statusCode, status, JSON.stringify(res.json()));
  const body = res.json() as { error: { code: string; message: string; requestId: string } };
  assert.equal(body.error.code, code);
  assert.equal(typeof body.error.message, 'string');
  assert.equal(body.error.requestId, res.headers['x-request-id']);
}

const ALL_EVENTS = [
  'alert.opened',
  'alert.acknowledged',
  'alert.cleared',
  'ticket.created',
  'ticket.status_changed',
  'ticket.message_added',
  'webhook.test',
];

describeEachDialect('/api/v1/webhooks', (h) => {
  it('creates an endpoint with a whsec_ secret shown only in the 201, then lists, reads, changes and deletes it', async () => {
    const o = await apiV1Org(h);
    const created = await o.call('POST', '/webhooks', { url: 'https://hooks.example.com/telemap', description: 'CRM' });
    assert.equal(created.statusCode, 201, created.body);
    const body = created.json();
    assert.match(body.secret, /^whsec_[A-Za-z0-9+/]+=*$/);
    assert.ok(Buffer.from(body.secret.slice(6), 'base64').length >= 24);
    assert.deepEqual(body, {
      id: body.id,
      url: 'https://hooks.example.com/telemap',
      events: ALL_EVENTS,
      format: 'standard',
      description: 'CRM',
      enabled: true,
      disabledReason: null,
      disabledAt: null,
      secret: body.secret,
      createdAt: body.createdAt,
      updatedAt: body.createdAt,
    });

    const list = await o.call('GET', '/webhooks');
    assert.equal(list.statusCode, 200);
    const { secret: _secret, ...shown } = body;
    assert.deepEqual(list.json(), { data: [shown], nextCursor: null });
    assert.ok(!list.body.includes(body.secret));

    const one = await o.call('GET', `/webhooks/${body.id}`);
    assert.deepEqual(one.json(), shown);
    assert.ok(!one.body.includes('whsec_'));

    const patched = await o.call('PATCH', `/webhooks/${body.id}`, {
      url: 'https://hooks.example.com/v2',
      events: ['ticket.created', 'alert.opened'],
      enabled: false,
      description: null,
    });
    assert.equal(patched.statusCode, 200, patched.body);
    assert.equal(patched.json().url, 'https://hooks.example.com/v2');
    assert.deepEqual(patched.json().events, ['ticket.created', 'alert.opened']);
    assert.equal(patched.json().enabled, false);
    assert.equal(patched.json().disabledReason, null);
    assert.equal(patched.json().description, null);

    const back = await o.call('PATCH', `/webhooks/${body.id}`, { enabled: true, events: null });
    assert.equal(back.json().enabled, true);
    assert.deepEqual(back.json().events, ALL_EVENTS);

    const deleted = await o.call('DELETE', `/webhooks/${body.id}`);
    assert.equal(deleted.statusCode, 200);
    assert.equal(deleted.json().id, body.id);
    assertV1Error(await o.call('GET', `/webhooks/${body.id}`), 404, 'not_found');
    assertV1Error(await o.call('DELETE', `/webhooks/${body.id}`), 404, 'not_found');
  });

  it('takes a Slack format and an event list', async () => {
    const o = await apiV1Org(h);
    const res = await o.call('POST', '/webhooks', { url: 'https://hooks.slack.com/services/T/B/X', format: 'slack', events: ['alert.opened'] });
    assert.equal(res.statusCode, 201);
    assert.equal(res.json().format, 'slack');
    assert.deepEqual(res.json().events, ['alert.opened']);
  });

  it('refuses URLs that are not http or https, unknown fields, unknown events and other formats with 400', async () => {
    const o = await apiV1Org(h);
    for (const url of ['ftp://example.com/x', 'file:///etc/passwd', 'javascript:alert(1)', 'not a url', 'gopher://x']) {
      assertV1Error(await o.call('POST', '/webhooks', { url }), 400, 'bad_request');
    }
    assertV1Error(await o.call('POST', '/webhooks', { url: 'https://example.com', secret: 'whsec_mine' }), 400, 'bad_request');
    assertV1Error(await o.call('POST', '/webhooks', { url: 'https://example.com', events: ['device.exploded'] }), 400, 'bad_request');
    assertV1Error(await o.call('POST', '/webhooks', { url: 'https://example.com', events: [] }), 400, 'bad_request');
    assertV1Error(await o.call('POST', '/webhooks', { url: 'https://example.com', format: 'teams' }), 400, 'bad_request');
    assertV1Error(await o.call('POST', '/webhooks', {}), 400, 'bad_request');
    const made = (await o.call('POST', '/webhooks', { url: 'https://example.com' })).json();
    assertV1Error(await o.call('PATCH', `/webhooks/${made.id}`, { format: 'slack' }), 400, 'bad_request');
    assertV1Error(await o.call('PATCH', `/webhooks/${made.id}`, { url: 'ftp://example.com' }), 400, 'bad_request');
  });

  it('queues a webhook.test event with 202 and lists it among the deliveries', async () => {
    const o = await apiV1Org(h);
    // Nothing listens on port 9 (discard) of a documentation address; the attempt fails and stays pending.
    const made = (await o.call('POST', '/webhooks', { url: 'https://192.0.2.1:9/hook' })).json();
    const queued = await o.call('POST', `/webhooks/${made.id}/test`);
    assert.equal(queued.statusCode, 202);
    assert.match(queued.json().eventId, /^evt_[0-9a-f]{32}$/);
    const deliveries = await o.call('GET', `/webhooks/${made.id}/deliveries`);
    assert.equal(deliveries.statusCode, 200);
    const [delivery] = deliveries.json().data;
    assert.equal(deliveries.json().nextCursor, null);
    assert.equal(delivery.eventId, queued.json().eventId);
    assert.equal(delivery.type, 'webhook.test');
    assert.ok(['pending', 'failed'].includes(delivery.status));
    for (const key of ['attempt', 'responseStatus', 'error', 'nextAttemptAt', 'createdAt']) assert.ok(key in delivery, key);
  });

  it('keeps every route to its own organization: another organization sees 404', async () => {
    const a = await apiV1Org(h);
    const b = await apiV1Org(h);
    const made = (await a.call('POST', '/webhooks', { url: 'https://a.example.com/hook' })).json();
    assertV1Error(await b.call('GET', `/webhooks/${made.id}`), 404, 'not_found');
    assertV1Error(await b.call('PATCH', `/webhooks/${made.id}`, { enabled: false }), 404, 'not_found');
    assertV1Error(await b.call('DELETE', `/webhooks/${made.id}`), 404, 'not_found');
    assertV1Error(await b.call('POST', `/webhooks/${made.id}/test`), 404, 'not_found');
    assertV1Error(await b.call('GET', `/webhooks/${made.id}/deliveries`), 404, 'not_found');
    assert.deepEqual((await b.call('GET', '/webhooks')).json(), { data: [], nextCursor: null });
    assertV1Error(await a.call('GET', '/webhooks/not-a-uuid'), 404, 'not_found');
    assert.equal((await a.call('GET', `/webhooks/${made.id}`)).json().enabled, true);
  });

  it('answers 401 without credentials, lets agents read only, and admins manage with the CSRF token', async () => {
    const o = await apiV1Org(h);
    assertV1Error(await h.request({ method: 'GET', url: '/api/v1/webhooks' }), 401, 'unauthorized');
    assertV1Error(await h.request({ method: 'POST', url: '/api/v1/webhooks', body: { url: 'https://x.example.com' } }), 401, 'unauthorized');

    const admin = await browserAs(h, o.organizationId, 'admin');
    const asAdmin = { cookie: admin.cookie, 'x-csrf-token': admin.csrf };
    const made = await h.request({ method: 'POST', url: '/api/v1/webhooks', headers: asAdmin, body: { url: 'https://x.example.com/h' } });
    assert.equal(made.statusCode, 201, made.body);
    const id = made.json().id;
    assertV1Error(await h.request({ method: 'POST', url: '/api/v1/webhooks', headers: { cookie: admin.cookie }, body: { url: 'https://x.example.com' } }), 403, 'forbidden');

    const agent = await browserAs(h, o.organizationId, 'agent');
    const asAgent = { cookie: agent.cookie, 'x-csrf-token': agent.csrf };
    assert.equal((await h.request({ method: 'GET', url: '/api/v1/webhooks', headers: asAgent })).statusCode, 200);
    assert.equal((await h.request({ method: 'GET', url: `/api/v1/webhooks/${id}`, headers: asAgent })).statusCode, 200);
    assert.equal((await h.request({ method: 'GET', url: `/api/v1/webhooks/${id}/deliveries`, headers: asAgent })).statusCode, 200);
    assertV1Error(await h.request({ method: 'POST', url: '/api/v1/webhooks', headers: asAgent, body: { url: 'https://x.example.com' } }), 403, 'forbidden');
    assertV1Error(await h.request({ method: 'PATCH', url: `/api/v1/webhooks/${id}`, headers: asAgent, body: { enabled: false } }), 403, 'forbidden');
    assertV1Error(await h.request({ method: 'DELETE', url: `/api/v1/webhooks/${id}`, headers: asAgent }), 403, 'forbidden');
    assertV1Error(await h.request({ method: 'POST', url: `/api/v1/webhooks/${id}/test`, headers: asAgent }), 403, 'forbidden');
  });

  it('pages the list with a cursor', async () => {
    const o = await apiV1Org(h);
    for (let i = 0; i < 3; i++) {
      await o.call('POST', '/webhooks', { url: `https://p${i}.example.com` });
      h.clock.advance(1);
    }
    const first = (await o.call('GET', '/webhooks?limit=2')).json();
    assert.equal(first.data.length, 2);
    assert.equal(first.data[0].url, 'https://p2.example.com');
    const second = (await o.call('GET', `/webhooks?limit=2&cursor=${first.nextCursor}`)).json();
    assert.deepEqual(second.data.map((w: { url: string }) => w.url), ['https://p0.example.com']);
    assert.equal(second.nextCursor, null);
    assertV1Error(await o.call('GET', '/webhooks?cursor=garbage'), 400, 'bad_request');
  });

  it('documents the routes in the OpenAPI document', async () => {
    const doc = (await h.request({ method: 'GET', url: '/openapi.json' })).json();
    for (const path of ['/api/v1/webhooks', '/api/v1/webhooks/{id}', '/api/v1/webhooks/{id}/test', '/api/v1/webhooks/{id}/deliveries']) {
      assert.ok(doc.paths[path], `${path} is documented`);
    }
    assert.ok(doc.paths['/api/v1/webhooks'].post.responses['201']);
  });
});
