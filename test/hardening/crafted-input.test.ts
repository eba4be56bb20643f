// Crafted input gets each surface's own 4xx, never a 500 (issue 23, items 4, 5, 6, 8 and 9): cursors are checked in
// full, NUL is refused in every string, `limit` is not coerced, router errors answer in the surface's format after
// its authentication, and dashboard failures are pages.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { it } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import { exchangeSecretForToken } from '../../src/domain/integration-tokens/service.js';
import { createOrganizationWithSecret } from '../../src/domain/orgs/lifecycle.js';
import { browserAs, cookiesFrom, csrfIn, seedDevice } from '../support/dashboard.js';
import { describeEachDialect, type Harness } from '../support/harness.js';

/** The cursor: base64url of `["not-a-timestamp","x"]`. */
const NOT_A_TIMESTAMP = 'WyJub3QtYS10aW1lc3RhbXAiLCJ4Il0';
const cursorOf = (value: unknown) => Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
const CRAFTED_CURSORS = [
  NOT_A_TIMESTAMP,
  cursorOf(['2026-13-45T99:99:99.999Z', randomUUID()]),
  cursorOf(['2026-01-01T00:00:00.000Z', 'x\u0000']),
  cursorOf(['2026-01-01T00:00:00.000Z\u0000', randomUUID()]),
  cursorOf(['2026-01-01', randomUUID()]),
];
const LONG_SEGMENT = 'a'.repeat(150);
const BAD_ESCAPE = '%E0%A4%A';
const DASHBOARD_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; " +
  "base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

function assertV1Error(res: LightMyRequestResponse, status: number, code: string, message?: RegExp) {
  assert.equal(res.statusCode, status, res.body);
  const body = res.json() as { error: { code: string; message: string; requestId: string } };
  assert.deepEqual(Object.keys(body), ['error']);
  assert.equal(body.error.code, code);
  if (message) assert.match(body.error.message, message);
  assert.equal(body.error.requestId, res.headers['x-request-id']);
}

function assertPage(res: LightMyRequestResponse, status: number) {
  assert.equal(res.statusCode, status, res.body);
  assert.match(String(res.headers['content-type']), /^text\/html/);
  assert.match(res.body, /^<!doctype html>/);
  assert.equal(res.headers['content-security-policy'], DASHBOARD_CSP);
  assert.equal(res.headers['x-frame-options'], 'DENY');
}

async function world(h: Harness) {
  const { organization, secret } = await createOrganizationWithSecret(h.ctx, { name: 'Crafted', email: `ops-${randomUUID()}@example.com` });
  const minted = await exchangeSecretForToken(h.ctx, organization.id, secret);
  assert.ok(minted);
  const headers = { authorization: `Bearer ${minted.token}` };
  const get = (url: string) => h.request({ method: 'GET', url: `/api/v1${url}`, headers });
  return { organizationId: organization.id, get };
}

describeEachDialect('crafted input on /api/v1 and the dashboard', (h) => {
  it('answers 400 "cursor is invalid" to a crafted cursor on every /api/v1 list', async () => {
    const w = await world(h);
    const deviceId = await seedDevice(h, w.organizationId, 'dev-1');
    for (const cursor of CRAFTED_CURSORS) {
      for (const list of ['/customers', '/devices', '/tickets', `/devices/${deviceId}/assignments`]) {
        assertV1Error(await w.get(`${list}?cursor=${cursor}`), 400, 'bad_request', /^cursor is invalid/);
      }
    }
  });

  it('restarts a dashboard list on a crafted cursor instead of failing', async () => {
    const org = await h.newOrg();
    const browser = await browserAs(h, org.organizationId, 'admin');
    for (const list of ['/customers', '/devices', '/tickets']) {
      const res = await browser.get(`${list}?cursor=${NOT_A_TIMESTAMP}`);
      assert.equal(res.statusCode, 200, `${list}: ${res.body}`);
    }
  });

  it('refuses NUL in every /api/v1 string: q, an API key name', async () => {
    const w = await world(h);
    assertV1Error(await w.get('/customers?q=a%00b'), 400, 'bad_request', /^q: must not contain NUL/);
    assertV1Error(await w.get('/devices?q=%00'), 400, 'bad_request', /NUL/);
    const org = await h.newOrg();
    const admin = await browserAs(h, org.organizationId, 'admin');
    const res = await h.request({
      method: 'POST',
      url: '/api/v1/api-keys',
      headers: { cookie: admin.cookie, 'x-csrf-token': admin.csrf },
      body: { name: 'key\u0000name' },
    });
    assertV1Error(res, 400, 'bad_request', /^name: must not contain NUL/);
  });

  it('refuses NUL in the sign-in e-mail and in a dashboard search with a 400 page', async () => {
    const form = await h.app.inject({ method: 'GET', url: '/login' });
    const res = await h.app.inject({
      method: 'POST',
      url: '/login',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: `telemap_login_csrf=${cookiesFrom(form).telemap_login_csrf}` },
      payload: new URLSearchParams({ _csrf: csrfIn(form.body), email: 'a\u0000@example.com', password: 'x', next: '/tickets' }).toString(),
    });
    assertPage(res, 400);
    assert.equal(cookiesFrom(res).telemap_session, undefined);
    const org = await h.newOrg();
    const browser = await browserAs(h, org.organizationId, 'agent');
    assertPage(await browser.get('/customers?q=%00'), 400);
    assertPage(await browser.get('/devices?q=a%00'), 400);
  });

  it('does not coerce limit: 1.5, 1e1, 0x10 and other non-decimal forms are 400s', async () => {
    const w = await world(h);
    for (const limit of ['1.5', '1e1', '0x10', '05', '+5', '%205', '10abc', '']) {
      assertV1Error(await w.get(`/customers?limit=${limit}`), 400, 'bad_request', /^limit/);
    }
    assert.equal((await w.get('/customers?limit=10')).statusCode, 200);
  });

  it('answers the dashboard 413 and 415 as pages', async () => {
    const big = await h.app.inject({
      method: 'POST',
      url: '/login',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: `email=${'a'.repeat(70 * 1024)}`,
    });
    assertPage(big, 413);
    const xml = await h.app.inject({ method: 'POST', url: '/login', headers: { 'content-type': 'text/xml' }, payload: '<a/>' });
    assertPage(xml, 415);
  });
});

describeEachDialect('router errors in each surface\'s format', (h) => {
  it('ext-v1: the key first (401), then 414 or 400 in the contract format', async () => {
    const org = await h.newOrg();
    for (const [segment, status] of [[LONG_SEGMENT, 414], [BAD_ESCAPE, 400]] as const) {
      const path = `/customer/getCustomer/${segment}`;
      for (const key of [undefined, 'tlm_wrong']) {
        const res = await h.extGet(path, key);
        assert.equal(res.statusCode, 401, res.body);
        assert.deepEqual(res.json(), { error: 'Invalid or missing API key', requestId: res.headers['x-request-id'] });
      }
      const res = await h.extGet(path, org.apiKey);
      assert.equal(res.statusCode, status, res.body);
      const body = res.json() as { error: string; requestId: string };
      assert.deepEqual(Object.keys(body).sort(), ['error', 'requestId']);
      assert.equal(body.requestId, res.headers['x-request-id']);
    }
  });

  it('/api/v1: 401 without credentials, then uri_too_long or bad_request', async () => {
    const w = await world(h);
    assertV1Error(await h.request({ method: 'GET', url: `/api/v1/customers/${LONG_SEGMENT}` }), 401, 'unauthorized');
    assertV1Error(await h.request({ method: 'GET', url: `/api/v1/customers/${BAD_ESCAPE}` }), 401, 'unauthorized');
    assertV1Error(await w.get(`/customers/${LONG_SEGMENT}`), 414, 'uri_too_long');
    assertV1Error(await w.get(`/devices/${BAD_ESCAPE}/assignments`), 400, 'bad_request');
  });

  it('the dashboard: a page with the dashboard headers', async () => {
    assertPage(await h.app.inject({ method: 'GET', url: `/customers/${LONG_SEGMENT}` }), 414);
    assertPage(await h.app.inject({ method: 'GET', url: `/tickets/${BAD_ESCAPE}` }), 400);
  });
});

describeEachDialect('the API reference', (h) => {
  it('/docs and /openapi.json carry the dashboard\'s framing and content policy', async () => {
    for (const url of ['/openapi.json', '/docs', '/docs/static/index.html', '/docs/static/swagger-initializer.js']) {
      const res = await h.app.inject({ method: 'GET', url });
      assert.ok(res.statusCode < 400, `${url}: ${res.statusCode}`);
      assert.equal(res.headers['x-frame-options'], 'DENY', url);
      // The dashboard's policy, with the digest of Swagger UI's one inline style (http/security-headers.ts).
      assert.equal(
        res.headers['content-security-policy'],
        DASHBOARD_CSP.replace("style-src 'self'", "style-src 'self' 'sha256-RL3ie0nH+Lzz2YNqQN83mnU0J1ot4QL7b99vMdIX99w='"),
        url,
      );
    }
  });
});

describeEachDialect('dashboard failures', (h) => {
  it('a database failure on a dashboard page is a 500 page without the database\'s text', async () => {
    const org = await h.newOrg();
    const browser = await browserAs(h, org.organizationId, 'agent');
    // A table gone from under the server: the next page that reads it fails in the database.
    await h.database.db.schema.dropTable('ticket_messages').execute();
    await h.database.db.schema.dropTable('tickets').cascade().execute().catch(async () => h.database.db.schema.dropTable('tickets').execute());
    const res = await browser.get('/tickets');
    assertPage(res, 500);
    assert.doesNotMatch(res.body, /tickets"?( does not exist|: no such table)|relation|SQLITE|syntax/i);
  });
});
