// The help desk's operator commands: telemap user list|reset-password|disable and org update --support-email,
// run as their own processes against the test database.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { runTelemap } from '../support/cli.js';
import { newUser, PASSWORD, signIn, uniqueEmail } from '../support/dashboard.js';
import { describeEachDialect } from '../support/harness.js';

describeEachDialect('telemap CLI: help desk people and settings', (h) => {
  it('lists users, resets a password (signing the user out), disables and enables', async () => {
    const { organizationId } = await h.newOrg();
    const email = await newUser(h, organizationId, 'agent');
    const other = await h.newOrg();
    await newUser(h, other.organizationId, 'admin', uniqueEmail('elsewhere'));
    const listed = await runTelemap(['user', 'list', '--org', organizationId, '--json'], h.databaseUrl);
    assert.equal(listed.code, 0, listed.stderr);
    const users = JSON.parse(listed.stdout) as Array<{ email: string; role: string; disabledAt: string | null }>;
    assert.deepEqual(users.map((u) => [u.email, u.role, u.disabledAt]), [[email, 'agent', null]]);

    const session = await signIn(h, email);
    const cookie = `telemap_session=${session.sessionCookie}`;
    const reset = await runTelemap(['user', 'reset-password', '--org', organizationId, '--email', email], h.databaseUrl, 'a fresh password 42\n');
    assert.equal(reset.code, 0, reset.stderr);
    assert.equal((await h.app.inject({ method: 'GET', url: '/tickets', headers: { cookie } })).statusCode, 303, 'signed out');
    assert.equal((await signIn(h, email, PASSWORD)).statusCode, 401);
    assert.equal((await signIn(h, email, 'a fresh password 42')).statusCode, 303);

    const disabled = await runTelemap(['user', 'disable', '--org', organizationId, '--email', email], h.databaseUrl);
    assert.equal(disabled.code, 0, disabled.stderr);
    assert.equal((await signIn(h, email, 'a fresh password 42')).statusCode, 401);
    const enabled = await runTelemap(['user', 'disable', '--org', organizationId, '--email', email, '--enable'], h.databaseUrl);
    assert.equal(enabled.code, 0, enabled.stderr);
    assert.equal((await signIn(h, email, 'a fresh password 42')).statusCode, 303);

    const wrongOrg = await runTelemap(['user', 'disable', '--org', other.organizationId, '--email', email], h.databaseUrl);
    assert.equal(wrongOrg.code, 1);
    assert.match(wrongOrg.stderr, /no user/);
  });

  it('sets and clears the support address', async () => {
    const { organizationId } = await h.newOrg();
    const set = await runTelemap(['org', 'update', organizationId, '--support-email', 'Help@Acme.example'], h.databaseUrl);
    assert.equal(set.code, 0, set.stderr);
    const row = () => h.database.db.selectFrom('organization_settings').select('support_email').where('organization_id', '=', organizationId).executeTakeFirst();
    assert.equal((await row())?.support_email, 'help@acme.example');
    const bad = await runTelemap(['org', 'update', organizationId, '--support-email', 'nope'], h.databaseUrl);
    assert.equal(bad.code, 1);
    const cleared = await runTelemap(['org', 'update', organizationId, '--support-email', ''], h.databaseUrl);
    assert.equal(cleared.code, 0, cleared.stderr);
    assert.equal((await row())?.support_email, null);
  });
});
