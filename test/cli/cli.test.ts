import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { it } from 'node:test';
import { runTelemap } from '../support/cli.js';
import { describeEachDialect } from '../support/harness.js';

describeEachDialect('telemap CLI', (h) => {
  it('org create --json prints one line whose key works on ext-v1', async () => {
    const result = await runTelemap(['org', 'create', '--name', 'Acme Devices', '--email', 'ops@acme.example', '--json'], h.databaseUrl);
    assert.equal(result.code, 0, result.stderr);
    const lines = result.stdout.trim().split('\n');
    assert.equal(lines.length, 1);
    const created = JSON.parse(lines[0]!);
    assert.deepEqual(Object.keys(created).sort(), ['apiKey', 'organizationId']);
    assert.match(created.apiKey, /^tlm_[A-Za-z0-9_-]{32,}$/);
    const res = await h.extPost('/customer/createOrUpdateCustomer', created.apiKey, { email: 'c@example.com' });
    assert.equal(res.statusCode, 200);
  });

  it('creates, lists and revokes keys; a revoked key gets 401', async () => {
    const { organizationId, apiKey } = await h.newOrg();
    const made = await runTelemap(['key', 'create', '--org', organizationId, '--name', 'nightly sync', '--json'], h.databaseUrl);
    assert.equal(made.code, 0, made.stderr);
    const { keyId, apiKey: second } = JSON.parse(made.stdout);
    assert.equal((await h.extPost('/customer/queryCustomer', second, { email: 'x@example.com' })).statusCode, 404);

    const list = await runTelemap(['key', 'list', '--org', organizationId], h.databaseUrl);
    assert.equal(list.code, 0, list.stderr);
    assert.match(list.stdout, /nightly sync/);
    assert.ok(!list.stdout.includes(second), 'key list must not print a key');
    assert.ok(!list.stdout.includes(apiKey), 'key list must not print a key');

    const revoked = await runTelemap(['key', 'revoke', keyId], h.databaseUrl);
    assert.equal(revoked.code, 0, revoked.stderr);
    const refused = await h.extPost('/customer/queryCustomer', second, { email: 'x@example.com' });
    assert.equal(refused.statusCode, 401);
    assert.equal(refused.json().error, 'Invalid or missing API key');
    // The organization's other key is untouched.
    assert.equal((await h.extPost('/customer/queryCustomer', apiKey, { email: 'x@example.com' })).statusCode, 404);
  });

  it('fails with one line and a non-zero exit on unknown ids and bad arguments', async () => {
    const cases: string[][] = [
      ['key', 'create', '--org', randomUUID()],
      ['key', 'list', '--org', 'not-an-id'],
      ['key', 'revoke', randomUUID()],
      ['org', 'create'],
      ['org', 'create', '--name', 'X', '--bogus'],
      ['org', 'frobnicate'],
      ['nothing'],
    ];
    for (const args of cases) {
      const result = await runTelemap(args, h.databaseUrl);
      assert.notEqual(result.code, 0, args.join(' '));
      assert.equal(result.stderr.trim().split('\n').length, 1, `${args.join(' ')}: ${result.stderr}`);
      assert.match(result.stderr, /^telemap: /);
    }
  });

  it('refuses a second live organization with the same email in one line, without database text', async () => {
    const args = ['org', 'create', '--name', 'Twice', '--email', 'twice@acme.example'];
    assert.equal((await runTelemap(args, h.databaseUrl)).code, 0);
    const again = await runTelemap(args, h.databaseUrl);
    assert.equal(again.code, 1);
    assert.equal(again.stderr.trim(), 'telemap: an organization with email twice@acme.example already exists (see: telemap org list)');
  });

  it('answers --help on every command', async () => {
    for (const args of [['--help'], ['org', 'create', '--help'], ['key', 'create', '--help'], ['key', 'list', '--help'], ['key', 'revoke', '--help']]) {
      const result = await runTelemap(args, h.databaseUrl);
      assert.equal(result.code, 0, args.join(' '));
      assert.match(result.stdout, /Usage: telemap/);
    }
  });
});
