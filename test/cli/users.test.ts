import assert from 'node:assert/strict';
import { it } from 'node:test';
import { runTelemap } from '../support/cli.js';
import { PASSWORD, signIn, uniqueEmail } from '../support/dashboard.js';
import { describeEachDialect } from '../support/harness.js';

describeEachDialect('telemap CLI: dashboard users', (h) => {
  it('org create --admin-email creates the first admin with a generated password, printed once', async () => {
    const adminEmail = uniqueEmail('admin');
    const result = await runTelemap(['org', 'create', '--name', 'Acme', '--admin-email', adminEmail, '--json'], h.databaseUrl);
    assert.equal(result.code, 0, result.stderr);
    const created = JSON.parse(result.stdout);
    assert.deepEqual(Object.keys(created).sort(), ['adminPassword', 'adminUserId', 'apiKey', 'organizationId']);
    const res = await signIn(h, adminEmail, created.adminPassword);
    assert.equal(res.statusCode, 303);
    const cookie = `telemap_session=${res.sessionCookie}`;
    const page = await h.request({ method: 'GET', url: '/integrations', headers: { cookie } });
    assert.equal(page.statusCode, 200);
    const stored = await h.database.db.selectFrom('users').select(['password_hash', 'role']).where('email', '=', adminEmail).executeTakeFirstOrThrow();
    assert.equal(stored.role, 'admin');
    assert.match(stored.password_hash, /^scrypt\$/);
    assert.ok(!stored.password_hash.includes(created.adminPassword));
  });

  it('org create --admin-email with a taken user email creates nothing at all', async () => {
    const adminEmail = uniqueEmail('admin');
    const first = await runTelemap(['org', 'create', '--name', 'First', '--admin-email', adminEmail, '--json'], h.databaseUrl);
    assert.equal(first.code, 0, first.stderr);
    const countOrgs = async () =>
      Number((await h.database.db.selectFrom('organizations').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
    const before = await countOrgs();
    const second = await runTelemap(['org', 'create', '--name', 'Second', '--admin-email', adminEmail, '--json'], h.databaseUrl);
    assert.equal(second.code, 1);
    assert.equal(second.stderr.trim(), `telemap: a dashboard user with email ${adminEmail} already exists`);
    assert.equal(await countOrgs(), before, 'the organization and its key are rolled back with the admin');
  });

  it('user create reads the password from stdin; a second user with that email is refused', async () => {
    const { organizationId } = await h.newOrg();
    const email = uniqueEmail('agent');
    const made = await runTelemap(['user', 'create', '--org', organizationId, '--email', email, '--role', 'agent'], h.databaseUrl, `${PASSWORD}\n`);
    assert.equal(made.code, 0, made.stderr);
    assert.match(made.stdout, /created/);
    assert.doesNotMatch(made.stdout, /Password/);
    assert.equal((await signIn(h, email)).statusCode, 303);
    const again = await runTelemap(['user', 'create', '--org', organizationId, '--email', email, '--role', 'admin'], h.databaseUrl, `${PASSWORD}\n`);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /^telemap: .*already exists/);
  });

  it('user create without stdin generates a password and prints it once', async () => {
    const { organizationId } = await h.newOrg();
    const email = uniqueEmail('agent');
    const made = await runTelemap(['user', 'create', '--org', organizationId, '--email', email, '--role', 'admin'], h.databaseUrl);
    assert.equal(made.code, 0, made.stderr);
    const password = /Password \(shown once, store it now\): (\S+)/.exec(made.stdout)?.[1];
    assert.ok(password);
    assert.equal((await signIn(h, email, password)).statusCode, 303);
  });

  it('refuses bad arguments with one line', async () => {
    const { organizationId } = await h.newOrg();
    const cases: Array<[string[], string?]> = [
      [['user', 'create', '--org', organizationId, '--email', 'x@example.com', '--role', 'owner']],
      [['user', 'create', '--org', organizationId, '--email', 'not-an-email', '--role', 'agent']],
      [['user', 'create', '--org', '00000000-0000-4000-8000-000000000000', '--email', uniqueEmail(), '--role', 'agent']],
      [['user', 'create', '--org', organizationId, '--email', uniqueEmail(), '--role', 'agent'], 'short\n'],
      [['org', 'create', '--name', 'X', '--admin-email', 'nope']],
    ];
    for (const [args, stdin] of cases) {
      const result = await runTelemap(args, h.databaseUrl, stdin);
      assert.notEqual(result.code, 0, args.join(' '));
      assert.equal(result.stderr.trim().split('\n').length, 1, `${args.join(' ')}: ${result.stderr}`);
      assert.match(result.stderr, /^telemap: /);
    }
    const help = await runTelemap(['user', 'create', '--help'], h.databaseUrl);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /Usage: telemap user create/);
  });
});
