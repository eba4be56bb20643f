import assert from 'node:assert/strict';
import { it } from 'node:test';
import { browserAs, cookiesFrom, csrfIn, newUser, PASSWORD, signIn } from '../support/dashboard.js';
import { describeEachDialect } from '../support/harness.js';

describeEachDialect('dashboard sign-in, sessions and CSRF', (h) => {
  it('serves the sign-in page at / for visitors, with labelled inputs', async () => {
    const root = await h.request({ method: 'GET', url: '/' });
    assert.equal(root.statusCode, 303);
    assert.equal(root.headers.location, '/login');
    const page = await h.request({ method: 'GET', url: '/login' });
    assert.equal(page.statusCode, 200);
    assert.match(String(page.headers['content-type']), /text\/html/);
    assert.match(page.body, /<label for="email">Email<\/label>/);
    assert.match(page.body, /<label for="password">Password<\/label>/);
    const cookie = String(page.headers['set-cookie']);
    assert.match(cookie, /telemap_login_csrf=/);
    assert.match(cookie, /HttpOnly/);
    assert.match(cookie, /SameSite=Strict/);
    assert.match(String(page.headers['content-security-policy']), /default-src 'self'/);
  });

  it('signs in with an HttpOnly SameSite=Lax cookie, and signs out', async () => {
    const { organizationId } = await h.newOrg();
    const email = await newUser(h, organizationId, 'agent');
    const res = await signIn(h, email.toUpperCase());
    assert.equal(res.statusCode, 303);
    assert.equal(res.headers.location, '/tickets');
    const setCookie = (Array.isArray(res.headers['set-cookie']) ? res.headers['set-cookie'] : [String(res.headers['set-cookie'])]).find((c) =>
      c.startsWith('telemap_session='),
    )!;
    assert.match(setCookie, /HttpOnly/);
    assert.match(setCookie, /SameSite=Lax/);
    assert.match(setCookie, /Path=\//);
    assert.doesNotMatch(setCookie, /Secure/);
    const cookie = `telemap_session=${res.sessionCookie}`;
    const inbox = await h.request({ method: 'GET', url: '/tickets', headers: { cookie } });
    assert.equal(inbox.statusCode, 200);
    assert.match(inbox.body, /Sign out/);

    // The session row holds only a digest of the token.
    const rows = await h.database.db.selectFrom('sessions').select('id').execute();
    assert.ok(rows.every((r) => r.id !== res.sessionCookie));

    const out = await h.request({
      method: 'POST',
      url: '/logout',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: `_csrf=${encodeURIComponent(csrfIn(inbox.body))}`,
    });
    assert.equal(out.statusCode, 303);
    assert.match(String(out.headers['set-cookie']), /telemap_session=; .*Max-Age=0/);
    const after = await h.request({ method: 'GET', url: '/tickets', headers: { cookie } });
    assert.equal(after.statusCode, 303);
    assert.equal(after.headers.location, '/login?next=%2Ftickets');
  });

  it('refuses a wrong password and an unknown email with the same answer', async () => {
    const { organizationId } = await h.newOrg();
    const email = await newUser(h, organizationId, 'agent');
    const wrong = await signIn(h, email, 'not the password');
    const unknown = await signIn(h, `nobody-${organizationId}@example.com`, PASSWORD);
    for (const res of [wrong, unknown]) {
      assert.equal(res.statusCode, 401);
      assert.match(res.body, /Email or password is incorrect/);
      assert.equal(res.sessionCookie, undefined);
    }
  });

  it('rate-limits failed sign-ins per email and address, then keeps refusing even the right password', async () => {
    const { organizationId } = await h.newOrg();
    const email = await newUser(h, organizationId, 'agent');
    for (let i = 0; i < 5; i++) assert.equal((await signIn(h, email, 'wrong password!')).statusCode, 401);
    const limited = await signIn(h, email, PASSWORD);
    assert.equal(limited.statusCode, 429);
    assert.match(limited.body, /Too many failed sign-in attempts/);
    assert.ok(Number(limited.headers['retry-after']) > 0);
    h.clock.advance(16 * 60 * 1000);
    try {
      assert.equal((await signIn(h, email, PASSWORD)).statusCode, 303);
    } finally {
      h.clock.reset();
    }
  });

  it('refuses sign-in without the login CSRF cookie', async () => {
    const { organizationId } = await h.newOrg();
    const email = await newUser(h, organizationId, 'agent');
    const form = await h.request({ method: 'GET', url: '/login' });
    const res = await h.request({
      method: 'POST',
      url: '/login',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: csrfIn(form.body), email, password: PASSWORD }).toString(),
    });
    assert.equal(res.statusCode, 403);
    assert.equal(cookiesFrom(res).telemap_session, undefined);
  });

  it('refuses state-changing requests without the session CSRF token', async () => {
    const { organizationId } = await h.newOrg();
    const admin = await browserAs(h, organizationId, 'admin');
    for (const csrf of ['', 'forged']) {
      const res = await admin.post('/integrations/keys', { name: 'sneaky', _csrf: csrf });
      assert.equal(res.statusCode, 403);
      assert.match(res.body, /expired/);
    }
    const keys = await h.database.db.selectFrom('api_keys').select('name').where('organization_id', '=', organizationId).execute();
    assert.deepEqual(keys.map((k) => k.name), ['default']);
  });

  it('ends sessions at expiry and when the organization is deleted; its users cannot sign in', async () => {
    const { organizationId } = await h.newOrg();
    const agent = await browserAs(h, organizationId, 'agent');
    h.clock.advance(13 * 60 * 60 * 1000);
    try {
      assert.equal((await agent.get('/tickets')).statusCode, 303);
    } finally {
      h.clock.reset();
    }
    const other = await browserAs(h, organizationId, 'agent');
    await h.database.db.updateTable('organizations').set({ deleted_at: new Date().toISOString() }).where('id', '=', organizationId).execute();
    assert.equal((await other.get('/tickets')).statusCode, 303);
    assert.equal((await signIn(h, other.email)).statusCode, 401);
  });

  it('keeps agents out of Integrations and sends them back only to local paths', async () => {
    const { organizationId } = await h.newOrg();
    const agent = await browserAs(h, organizationId, 'agent');
    const page = await agent.get('/integrations');
    assert.equal(page.statusCode, 403);
    assert.doesNotMatch(page.body, /href="\/integrations"/);
    const created = await agent.post('/integrations/keys', { name: 'x' });
    assert.equal(created.statusCode, 403);
    const visitor = await h.request({ method: 'GET', url: '/login?next=//evil.example/' });
    assert.match(visitor.body, /name="next" value="\/tickets"/);
  });
});
