// Where sign-in leads (issue 23, items 2, 3 and the CSRF cookie of item 10): `next` is resolved as a browser
// resolves a Location against this server, only a same-origin path is kept, and the Location is encoded ASCII.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import { cookiesFrom, csrfIn, newUser, PASSWORD } from '../support/dashboard.js';
import { describeEachDialect, type Harness } from '../support/harness.js';

const OWN = 'http://own.test';

/** Every value a browser would take somewhere else, or that cannot be a header as it stands. */
const FOREIGN = [
  '/\t/evil.example',
  '/\n/evil.example',
  '/\r\n/evil.example',
  '/\\evil.example',
  '/\t\\evil.example',
  '//evil.example',
  '/.//evil.example',
  '/%2e//evil.example',
  '\t//evil.example',
  'https://evil.example/',
  'javascript:alert(1)',
];

function setCookieLines(res: LightMyRequestResponse): string[] {
  const raw = res.headers['set-cookie'];
  return raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
}

/** The Location as a browser follows it from this server: it must stay here. */
function assertStaysHere(res: LightMyRequestResponse, label: string): string {
  assert.equal(res.statusCode, 303, `${label}: ${res.body}`);
  const location = String(res.headers.location);
  assert.match(location, /^\/[^/\\]/, label);
  assert.match(location, /^[\x21-\x7e]+$/, `${label}: Location is printable ASCII`);
  assert.equal(new URL(location, OWN).origin, OWN, label);
  return location;
}

async function signInWithNext(h: Harness, email: string, next: string) {
  const form = await h.app.inject({ method: 'GET', url: '/login' });
  const loginCookie = cookiesFrom(form).telemap_login_csrf!;
  return h.app.inject({
    method: 'POST',
    url: '/login',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: `telemap_login_csrf=${loginCookie}` },
    payload: new URLSearchParams({ _csrf: csrfIn(form.body), email, password: PASSWORD, next }).toString(),
  });
}

describeEachDialect('sign-in redirect', (h) => {
  it('never leads to another site, whatever next holds', async () => {
    const org = await h.newOrg();
    const email = await newUser(h, org.organizationId, 'agent');
    for (const next of FOREIGN) {
      const res = await signInWithNext(h, email, next);
      assert.equal(assertStaysHere(res, JSON.stringify(next)), '/tickets', JSON.stringify(next));
      assert.ok(cookiesFrom(res).telemap_session, `${JSON.stringify(next)}: the session cookie arrives`);
      // Already signed in: GET /login follows next at once.
      const cookie = `telemap_session=${cookiesFrom(res).telemap_session}`;
      const again = await h.app.inject({ method: 'GET', url: `/login?next=${encodeURIComponent(next)}`, headers: { cookie } });
      assert.equal(assertStaysHere(again, `GET ${JSON.stringify(next)}`), '/tickets');
    }
  });

  it('keeps a local path, encoding what a header cannot carry, and the session cookie always arrives', async () => {
    const org = await h.newOrg();
    const email = await newUser(h, org.organizationId, 'agent');
    const cases: Array<[string, string]> = [
      ['/customers?q=carol', '/customers?q=carol'],
      ['/devices\u2028', '/devices%E2%80%A8'],
      ['/customers?q=\u00e9l\u00e8ve', '/customers?q=%C3%A9l%C3%A8ve'],
      ['/\u30c1\u30b1\u30c3\u30c8', '/%E3%83%81%E3%82%B1%E3%83%83%E3%83%88'],
      ['/tickets\r\nSet-Cookie: x=1', '/ticketsSet-Cookie:%20x=1'],
      ['/tickets#reply', '/tickets#reply'],
    ];
    for (const [next, expected] of cases) {
      const res = await signInWithNext(h, email, next);
      assert.equal(assertStaysHere(res, JSON.stringify(next)), expected);
      const session = cookiesFrom(res).telemap_session;
      assert.ok(session, `${JSON.stringify(next)}: the session cookie arrives`);
      const page = await h.app.inject({ method: 'GET', url: '/tickets', headers: { cookie: `telemap_session=${session}` } });
      assert.equal(page.statusCode, 200);
    }
  });

  it('shows the sign-in form for a next with CR, LF or U+2028 instead of failing', async () => {
    for (const next of ['/x\r\ny', '/\u2028', '/\u00e9']) {
      const res = await h.app.inject({ method: 'GET', url: `/login?next=${encodeURIComponent(next)}` });
      assert.equal(res.statusCode, 200, JSON.stringify(next));
      assert.match(res.body, /<h1>Sign in to Telemap<\/h1>/);
    }
  });

  it('sends the sign-in CSRF cookie, and its clearing, once', async () => {
    const org = await h.newOrg();
    const email = await newUser(h, org.organizationId, 'agent');
    const form = await h.app.inject({ method: 'GET', url: '/login' });
    assert.equal(setCookieLines(form).filter((line) => line.startsWith('telemap_login_csrf=')).length, 1);
    const res = await signInWithNext(h, email, '/tickets');
    const lines = setCookieLines(res);
    assert.equal(lines.filter((line) => line.startsWith('telemap_login_csrf=')).length, 1, lines.join('\n'));
    assert.equal(lines.filter((line) => line.startsWith('telemap_session=')).length, 1, lines.join('\n'));
  });
});
