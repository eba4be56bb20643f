import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import { buildApp } from '../../src/app.js';
import { runCli } from '../../src/cli/main.js';
import { ConfigError, loadConfig } from '../../src/config.js';
import type { Tables } from '../../src/db/schema.js';
import { exchangeSecretForToken } from '../../src/domain/integration-tokens/service.js';
import { createOrganizationWithSecret, purgeExpiredOrganizations } from '../../src/domain/orgs/lifecycle.js';
import { runTelemap } from '../support/cli.js';
import { DAY_MS } from '../support/clock.js';
import { describeEachDialect, type Harness } from '../support/harness.js';

/** Every table that holds rows of an organization. */
const ORG_TABLES = [
  'api_keys',
  'integration_tokens',
  'customers',
  'devices',
  'assignments',
  'orders',
  'categories',
  'tickets',
  'ticket_messages',
] as const satisfies ReadonlyArray<keyof Tables>;

interface LiveOrg {
  organizationId: string;
  token: string;
  apiKey: string;
}

/** An organization with a token and an API key (made over HTTP) and a row in every table it can own. */
async function fullOrg(h: Harness): Promise<LiveOrg> {
  const { organization, secret } = await createOrganizationWithSecret(h.ctx, { name: 'Lifecycle', email: `ops-${randomUUID()}@example.com` });
  const minted = await exchangeSecretForToken(h.ctx, organization.id, secret);
  assert.ok(minted);
  const key = await h.request({ method: 'POST', url: '/api/v1/api-keys', headers: { authorization: `Bearer ${minted.token}` }, body: {} });
  assert.equal(key.statusCode, 201, key.body);
  const apiKey = key.json().key as string;
  const customer = await h.extPost('/customer/createOrUpdateCustomer', apiKey, { email: 'owner@example.com' });
  assert.equal(customer.statusCode, 200, customer.body);
  const customerId = customer.json().telemetronCustomerId as string;

  // Tables without an HTTP surface yet are filled directly.
  const org = organization.id;
  const now = new Date().toISOString();
  const { db } = h.database;
  const categoryId = randomUUID();
  const ticketId = randomUUID();
  const assigned = await h.extPost('/deviceAssignment/assignDeviceToOwners', apiKey, {
    deviceIdentifier: 'SN-LIFECYCLE-1',
    customerEmails: ['owner@example.com'],
    autoCreateDevice: true,
    deviceType: 'thermostat',
  });
  assert.equal(assigned.statusCode, 200, assigned.body);
  const deviceId = assigned.json().deviceId as string;
  await db.insertInto('orders').values({ id: randomUUID(), organization_id: org, customer_id: customerId, order_identifier: 'A-1', created_at: now }).execute();
  await db.insertInto('categories').values({ id: categoryId, organization_id: org, name: 'Billing', name_key: 'billing', keywords: '[]', created_at: now }).execute();
  await db
    .insertInto('tickets')
    .values({ id: ticketId, organization_id: org, customer_id: customerId, device_id: deviceId, category_id: categoryId, title: 't', description: 'd', priority: 'low', status: 'open', channel: 'api', created_at: now, updated_at: now })
    .execute();
  await db.insertInto('ticket_messages').values({ id: randomUUID(), organization_id: org, ticket_id: ticketId, position: 0, role: 'customer', content: 'hi', created_at: now }).execute();
  return { organizationId: org, token: minted.token, apiKey };
}

async function rowCounts(h: Harness, organizationId: string): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  const { db } = h.database;
  const orgs = await db.selectFrom('organizations').select((eb) => eb.fn.countAll<number>().as('n')).where('id', '=', organizationId).executeTakeFirstOrThrow();
  counts.organizations = Number(orgs.n);
  for (const table of ORG_TABLES) {
    const row = await db
      .selectFrom(table)
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('organization_id', '=', organizationId)
      .executeTakeFirstOrThrow();
    counts[table] = Number(row.n);
  }
  return counts;
}

const ALL_ONE = Object.fromEntries(['organizations', ...ORG_TABLES].map((t) => [t, 1]));
const ALL_ZERO = Object.fromEntries(['organizations', ...ORG_TABLES].map((t) => [t, 0]));

async function works(h: Harness, org: LiveOrg): Promise<{ token: number; ext: number }> {
  const token = await h.request({ method: 'GET', url: '/v2/integrations/customer', headers: { authorization: org.token } });
  const ext = await h.extPost('/customer/queryCustomer', org.apiKey, { email: 'owner@example.com' });
  return { token: token.statusCode, ext: ext.statusCode };
}

async function deleteOverHttp(h: Harness, org: LiveOrg): Promise<void> {
  const res = await h.request({ method: 'DELETE', url: '/v2/integrations/customer', headers: { authorization: org.token } });
  assert.equal(res.statusCode, 200, res.body);
}

/** `telemap …` in process, on the harness's database and clock (so retention can be tested by moving time). */
async function cliInProcess(h: Harness, args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const original = console.error;
  console.error = (...parts: unknown[]) => err.push(parts.join(' '));
  try {
    const code = await runCli(args, { out: (line) => out.push(line), withContext: (work) => work(h.ctx) });
    return { code, out: out.join('\n'), err: err.join('\n') };
  } finally {
    console.error = original;
  }
}

describeEachDialect('organization lifecycle', (h) => {
  it('org list marks deleted organizations; org restore brings tokens and API keys back', async () => {
    const org = await fullOrg(h);
    assert.deepEqual(await works(h, org), { token: 200, ext: 200 });
    await deleteOverHttp(h, org);
    assert.deepEqual(await works(h, org), { token: 401, ext: 401 });

    const list = await runTelemap(['org', 'list'], h.databaseUrl);
    assert.equal(list.code, 0, list.stderr);
    const line = list.stdout.split('\n').find((l) => l.startsWith(org.organizationId));
    assert.ok(line, list.stdout);
    assert.match(line, /Lifecycle {2}ops-.*@example\.com {2}created \S+ {2}deleted \d{4}-\d\d-\d\dT/);

    const restored = await runTelemap(['org', 'restore', org.organizationId], h.databaseUrl);
    assert.equal(restored.code, 0, restored.stderr);
    assert.deepEqual(await works(h, org), { token: 200, ext: 200 });
    assert.deepEqual(await rowCounts(h, org.organizationId), ALL_ONE);

    const again = await cliInProcess(h, ['org', 'restore', org.organizationId]);
    assert.equal(again.code, 1);
    assert.equal(again.err, `telemap: organization ${org.organizationId} is not deleted`);
    const unknown = await cliInProcess(h, ['org', 'restore', randomUUID()]);
    assert.equal(unknown.code, 1);
    assert.match(unknown.err, /^telemap: organization not found: /);
  });

  it('refuses to restore an organization whose email a live organization took meanwhile', async () => {
    const org = await fullOrg(h);
    const { email } = await h.database.db.selectFrom('organizations').select('email').where('id', '=', org.organizationId).executeTakeFirstOrThrow();
    await deleteOverHttp(h, org);
    await createOrganizationWithSecret(h.ctx, { name: 'Successor', email: String(email) });
    const refused = await cliInProcess(h, ['org', 'restore', org.organizationId]);
    assert.equal(refused.code, 1);
    assert.equal(refused.err, `telemap: organization ${org.organizationId} cannot be restored: another organization now uses its email`);
    assert.deepEqual(await works(h, org), { token: 401, ext: 401 });
  });

  it('refuses to restore past the retention window', async () => {
    const org = await fullOrg(h);
    await deleteOverHttp(h, org);
    try {
      h.clock.advance(29 * DAY_MS);
      const within = await cliInProcess(h, ['org', 'restore', org.organizationId]);
      assert.equal(within.code, 0, within.err);
      await deleteOverHttp(h, org);
      h.clock.advance(31 * DAY_MS);
      const late = await cliInProcess(h, ['org', 'restore', org.organizationId]);
      assert.equal(late.code, 1);
      assert.match(late.err, /^telemap: organization \S+ was deleted at \S+, more than 30 days ago \(TELEMAP_ORG_RETENTION_DAYS\): it can no longer be restored$/);
    } finally {
      h.clock.reset();
    }
  });

  it('purges organizations deleted longer ago than the retention, with every row, and nothing of any other', async () => {
    const doomed = await fullOrg(h);
    const deletedRecently = await fullOrg(h);
    const live = await fullOrg(h);
    await deleteOverHttp(h, doomed);
    try {
      h.clock.advance(29 * DAY_MS);
      await deleteOverHttp(h, deletedRecently);
      assert.equal(await purgeExpiredOrganizations(h.ctx, 30), 0);
      assert.deepEqual(await rowCounts(h, doomed.organizationId), ALL_ONE);

      h.clock.advance(2 * DAY_MS);
      // Twice at once, as two server processes would: the rows go exactly once, neither run fails.
      const [a, b] = await Promise.all([purgeExpiredOrganizations(h.ctx, 30), purgeExpiredOrganizations(h.ctx, 30)]);
      assert.ok(a + b >= 1, `purged ${a} + ${b}`);
      assert.deepEqual(await rowCounts(h, doomed.organizationId), ALL_ZERO);
      assert.deepEqual(await rowCounts(h, deletedRecently.organizationId), ALL_ONE);
      assert.deepEqual(await rowCounts(h, live.organizationId), ALL_ONE);
      assert.deepEqual(await works(h, live), { token: 200, ext: 200 });
    } finally {
      h.clock.reset();
    }
  });

  it('runs the purge when the server starts', async () => {
    const doomed = await fullOrg(h);
    const live = await fullOrg(h);
    await deleteOverHttp(h, doomed);
    try {
      h.clock.advance(31 * DAY_MS);
      const app = await buildApp({ config: h.config, database: h.database, clock: h.clock, logger: false });
      await app.ready();
      await app.close(); // waits for the purge in progress
      assert.deepEqual(await rowCounts(h, doomed.organizationId), ALL_ZERO);
      assert.deepEqual(await rowCounts(h, live.organizationId), ALL_ONE);
    } finally {
      h.clock.reset();
    }
  });

  it('org purge needs --yes, then removes every row of the organization at once', async () => {
    const doomed = await fullOrg(h);
    const other = await fullOrg(h);
    const refused = await cliInProcess(h, ['org', 'purge', doomed.organizationId]);
    assert.equal(refused.code, 1);
    assert.match(refused.err, /add --yes to confirm$/);
    assert.deepEqual(await rowCounts(h, doomed.organizationId), ALL_ONE);

    const purged = await runTelemap(['org', 'purge', doomed.organizationId, '--yes'], h.databaseUrl);
    assert.equal(purged.code, 0, purged.stderr);
    assert.deepEqual(await rowCounts(h, doomed.organizationId), ALL_ZERO);
    assert.deepEqual(await rowCounts(h, other.organizationId), ALL_ONE);
    assert.deepEqual(await works(h, doomed), { token: 401, ext: 401 });

    const unknown = await cliInProcess(h, ['org', 'purge', doomed.organizationId, '--yes']);
    assert.equal(unknown.code, 1);
    assert.equal(unknown.err, `telemap: organization not found: ${doomed.organizationId}`);
  });
});

describe('lifecycle configuration', () => {
  it('reads open sign-up, retention and purge interval, and refuses bad values', () => {
    const defaults = loadConfig({});
    assert.equal(defaults.openSignup, false);
    assert.equal(defaults.orgRetentionDays, 30);
    assert.equal(defaults.orgPurgeIntervalMinutes, 60);
    const set = loadConfig({ TELEMAP_OPEN_SIGNUP: 'TRUE', TELEMAP_ORG_RETENTION_DAYS: '7', TELEMAP_ORG_PURGE_INTERVAL_MINUTES: '5' });
    assert.deepEqual([set.openSignup, set.orgRetentionDays, set.orgPurgeIntervalMinutes], [true, 7, 5]);
    assert.throws(
      () => loadConfig({ TELEMAP_OPEN_SIGNUP: 'yes', TELEMAP_ORG_RETENTION_DAYS: '0', TELEMAP_ORG_PURGE_INTERVAL_MINUTES: '1.5' }),
      (error: unknown) =>
        error instanceof ConfigError &&
        error.problems.length === 3 &&
        error.problems[0] === 'TELEMAP_OPEN_SIGNUP must be true or false (got "yes")' &&
        error.problems[1] === 'TELEMAP_ORG_RETENTION_DAYS must be a positive integer (got "0")',
    );
  });
});
