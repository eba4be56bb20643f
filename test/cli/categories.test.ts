import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { it, mock } from 'node:test';
import { runCli } from '../../src/cli/main.js';
import { runTelemap } from '../support/cli.js';
import { describeEachDialect, type Harness } from '../support/harness.js';

/**
 * `telemap …` run in this process against the harness's real database: the same dispatch, parsing and domain
 * code as the binary, without the seconds a child process costs. A few tests still spawn the real binary.
 */
async function runInProcess(h: Harness, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const spy = mock.method(console, 'error', (line: string) => err.push(line));
  try {
    const code = await runCli(args, { out: (line) => out.push(line), withContext: (work) => work(h.ctx) });
    return { code, stdout: out.map((l) => `${l}\n`).join(''), stderr: err.map((l) => `${l}\n`).join('') };
  } finally {
    spy.mock.restore();
  }
}

describeEachDialect('telemap category', (h) => {
  it('adds categories with keywords and lists them by name', async () => {
    const { organizationId } = await h.newOrg();
    const added = await runTelemap(
      ['category', 'add', '--org', organizationId, '--name', ' Battery ', '--keywords', 'charging, power bank,,Charging', '--json'],
      h.databaseUrl,
    );
    assert.equal(added.code, 0, added.stderr);
    const battery = JSON.parse(added.stdout);
    assert.deepEqual({ ...battery, id: undefined, createdAt: undefined }, {
      id: undefined,
      name: 'Battery',
      keywords: ['charging', 'power bank'],
      createdAt: undefined,
    });
    const plain = await runInProcess(h, ['category', 'add', '--org', organizationId, '--name', 'Billing']);
    assert.equal(plain.code, 0, plain.stderr);
    assert.match(plain.stdout, /^Category [0-9a-f-]{36} "Billing" created\.\n$/);

    const listed = await runInProcess(h, ['category', 'list', '--org', organizationId, '--json']);
    assert.equal(listed.code, 0, listed.stderr);
    const rows = JSON.parse(listed.stdout) as Array<{ id: string; name: string; keywords: string[] }>;
    assert.deepEqual(rows.map((r) => [r.name, r.keywords]), [['Battery', ['charging', 'power bank']], ['Billing', []]]);
    assert.equal(rows[0]!.id, battery.id);

    const text = await runInProcess(h, ['category', 'list', '--org', organizationId]);
    assert.equal(text.code, 0, text.stderr);
    assert.equal(text.stdout, `${battery.id}  Battery  keywords: charging, power bank\n${rows[1]!.id}  Billing  keywords: -\n`);

    // Another organization sees none of them.
    const other = await h.newOrg('Other');
    const none = await runInProcess(h, ['category', 'list', '--org', other.organizationId, '--json']);
    assert.equal(none.code, 0, none.stderr);
    assert.deepEqual(JSON.parse(none.stdout), []);
  });

  it('refuses a duplicate name whatever its case, but allows it in another organization', async () => {
    const { organizationId } = await h.newOrg();
    const other = await h.newOrg('Other');
    assert.equal((await runInProcess(h, ['category', 'add', '--org', organizationId, '--name', 'Hardware'])).code, 0);
    const dup = await runInProcess(h, ['category', 'add', '--org', organizationId, '--name', 'HARDWARE ']);
    assert.equal(dup.code, 1);
    assert.equal(dup.stderr, 'telemap: category already exists: Hardware\n');
    const elsewhere = await runInProcess(h, ['category', 'add', '--org', other.organizationId, '--name', 'hardware']);
    assert.equal(elsewhere.code, 0, elsewhere.stderr);
  });

  it('fails with one line and a non-zero exit on unknown organizations and bad arguments', async () => {
    const { organizationId } = await h.newOrg();
    const unknown = randomUUID();
    const cases: Array<[string[], RegExp]> = [
      [['category', 'add', '--org', unknown, '--name', 'X'], new RegExp(`^telemap: organization not found: ${unknown}\\n$`)],
      [['category', 'list', '--org', unknown], /^telemap: organization not found: /],
      [['category', 'list', '--org', 'not-an-id'], /^telemap: organization not found: not-an-id\n$/],
      [['category', 'add', '--org', organizationId], /^telemap: --name is required/],
      [['category', 'add', '--org', organizationId, '--name', '   '], /^telemap: --name is required/],
      [['category', 'add', '--name', 'X'], /^telemap: --org is required/],
      [['category', 'add', '--org', organizationId, '--name', 'x'.repeat(101)], /^telemap: invalid --name: must be at most 100 characters\n$/],
      [['category', 'add', '--org', organizationId, '--name', 'X', '--keywords', 'ok,!!!'], /^telemap: invalid --keywords: "!!!" has no letter or digit\n$/],
      [['category', 'add', '--org', organizationId, '--name', 'X', '--bogus'], /^telemap: Unknown option '--bogus'/],
      [['category', 'remove', '--org', organizationId], /^telemap: unknown command "category remove"/],
    ];
    for (const [args, expected] of cases) {
      const result = await runInProcess(h, args);
      assert.equal(result.code, 1, args.join(' '));
      assert.equal(result.stderr.trim().split('\n').length, 1, `${args.join(' ')}: ${result.stderr}`);
      assert.match(result.stderr, expected, args.join(' '));
    }
    // Nothing was created by the refused commands.
    const listed = await runInProcess(h, ['category', 'list', '--org', organizationId, '--json']);
    assert.deepEqual(JSON.parse(listed.stdout), []);
    // And the binary itself fails the same way.
    const spawned = await runTelemap(['category', 'add', '--org', unknown, '--name', 'X'], h.databaseUrl);
    assert.equal(spawned.code, 1);
    assert.equal(spawned.stderr, `telemap: organization not found: ${unknown}\n`);
  });

  it('answers --help on each command', async () => {
    for (const args of [['category', 'add', '--help'], ['category', 'list', '--help'], ['category', '--help'], ['order', 'link', '--help']]) {
      const result = await runInProcess(h, args);
      assert.equal(result.code, 0, args.join(' '));
      assert.match(result.stdout, /Usage: telemap (category|order)/);
    }
    const overview = await runInProcess(h, ['--help']);
    assert.match(overview.stdout, /category add/);
    assert.match(overview.stdout, /category list/);
    assert.match(overview.stdout, /order link/);
  });
});
