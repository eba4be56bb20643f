// Several server processes on one PostgreSQL database: started at the same moment on an empty database, their
// migrations must not collide; parallel creates of the same emails split across them yield exactly one customer
// per email, and a 409 naming it for every other request; and the purge of deleted organizations, which every
// process runs as it starts, removes each expired organization once, with all of its rows, and nothing else.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { systemClock } from '../../src/clock.js';
import { connectDatabase, type Database } from '../../src/db/connect.js';
import { isMigrated, migrateToLatest } from '../../src/db/migrate.js';
import { createOrganizationWithKey } from '../../src/domain/orgs/service.js';
import { scratchDatabase } from '../support/harness.js';
import { postgresUnavailableReason } from '../support/postgres.js';
import { startServer, type ServerProcess } from '../support/server-process.js';
import { postJson, type Answer } from './http.js';

const EMAILS = 30;
const REQUESTS_PER_EMAIL = 6;
/** Organizations deleted past the retention (30 days by default), with customers, devices and tickets each. */
const EXPIRED_ORGANIZATIONS = 6;
const TABLES_OF_AN_ORGANIZATION = ['api_keys', 'customers', 'devices', 'assignments', 'tickets'] as const;

describe('multi-instance [sqlite]', { skip: 'several server processes share a database only on PostgreSQL; SQLite serves one process' }, () => {
  it('is PostgreSQL-only', () => undefined);
});

const postgresSkip = await postgresUnavailableReason();

describe('multi-instance [postgres]', { skip: postgresSkip ?? false }, () => {
  const servers: ServerProcess[] = [];
  let database: Database | undefined;
  let drop: (() => Promise<void>) | undefined;
  after(async () => {
    for (const server of servers) server.child.kill('SIGKILL');
    await Promise.all(servers.map((s) => s.exited));
    await database?.close();
    await drop?.();
  });

  it('two processes started together migrate once and keep one customer per email', async () => {
    const scratch = await scratchDatabase('postgres');
    drop = scratch.drop;
    // Both on the empty database at the same moment: each runs the migrations at start.
    servers.push(...(await Promise.all([0, 1].map(() => startServer({ DATABASE_URL: scratch.url, LOG_LEVEL: 'warn' })))));
    database = connectDatabase(scratch.target, { poolSize: 2 });
    assert.equal(await isMigrated(database), true);
    const migrations = await database.db
      .selectFrom('kysely_migration' as never)
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    assert.equal(Number((migrations as { n: number }).n) > 0, true);

    const { firstKey, organizationId } = await createOrganizationWithKey({ database, clock: systemClock }, { name: 'Multi' });
    const apiKey = firstKey.apiKey;

    // Every email is sent REQUESTS_PER_EMAIL times, alternating servers, all at once.
    const requests: Promise<Answer & { email: string }>[] = [];
    for (let e = 0; e < EMAILS; e++) {
      for (let r = 0; r < REQUESTS_PER_EMAIL; r++) {
        const email = `shared-${e}@multi.example`;
        const server = servers[r % servers.length]!;
        const body = { email: r % 2 === 0 ? email : email.toUpperCase(), name: `attempt ${r}` };
        requests.push(postJson(server.baseUrl, '/api/ext-v1/customer/createOrUpdateCustomer', apiKey, body).then((a) => ({ ...a, email })));
      }
    }
    const answers = await Promise.all(requests);

    const stored = await database.db
      .selectFrom('customers')
      .select(['id', 'email'])
      .where('organization_id', '=', organizationId)
      .execute();
    assert.equal(stored.length, EMAILS);
    const idOf = new Map(stored.map((c) => [c.email, c.id]));
    for (let e = 0; e < EMAILS; e++) {
      const email = `shared-${e}@multi.example`;
      const mine = answers.filter((a) => a.email === email);
      const created = mine.filter((a) => a.status === 200);
      const conflicts = mine.filter((a) => a.status === 409);
      assert.equal(created.length, 1, `${email}: ${JSON.stringify(mine.map((a) => a.status))}`);
      assert.equal(conflicts.length, REQUESTS_PER_EMAIL - 1, `${email}: ${JSON.stringify(mine.map((a) => a.body))}`);
      assert.equal(created[0]!.body.telemetronCustomerId, idOf.get(email));
      for (const conflict of conflicts) assert.equal(conflict.body.telemetronCustomerId, idOf.get(email));
    }
    // Both processes took part.
    for (const server of servers) assert.equal(server.child.exitCode, null, server.output());
  });

  it('two processes started together purge each expired organization once, with its rows, and keep the others', async () => {
    const scratch = await scratchDatabase('postgres');
    const db = connectDatabase(scratch.target, { poolSize: 2 });
    const started: ServerProcess[] = [];
    try {
      await migrateToLatest(db);
      const ctx = { database: db, clock: systemClock };
      const expired: string[] = [];
      const kept: string[] = [];
      const first = await startServer({ DATABASE_URL: scratch.url, LOG_LEVEL: 'warn' });
      started.push(first);
      // Rows in every table an organization owns, written through the API as an integration would.
      for (let o = 0; o < EXPIRED_ORGANIZATIONS + 2; o++) {
        const { organizationId, firstKey } = await createOrganizationWithKey(ctx, { name: `Purge ${o}` });
        const key = firstKey.apiKey;
        const emails = [`owner-${o}@purge.example`, `family-${o}@purge.example`];
        const assigned = await postJson(first.baseUrl, '/api/ext-v1/deviceAssignment/assignDeviceToOwners', key, {
          deviceIdentifier: `SN-PURGE-${o}`,
          customerEmails: emails,
          autoCreateDevice: true,
          deviceType: 'thermostat',
        });
        assert.equal(assigned.status, 200, JSON.stringify(assigned.body));
        const ticket = await postJson(first.baseUrl, '/api/ext-v1/ticket/createTicket', key, {
          title: 'Offline',
          description: 'No readings',
          priority: 'high',
          customerEmail: emails[0],
        });
        assert.equal(ticket.status, 200, JSON.stringify(ticket.body));
        (o < EXPIRED_ORGANIZATIONS ? expired : kept).push(organizationId);
      }
      const daysAgo = (days: number) => new Date(Date.now() - days * 86_400_000).toISOString();
      await db.db.updateTable('organizations').set({ deleted_at: daysAgo(40) }).where('id', 'in', expired).execute();
      // One deleted yesterday, still within its retention; the other is not deleted at all.
      await db.db.updateTable('organizations').set({ deleted_at: daysAgo(1) }).where('id', '=', kept[0]!).execute();
      first.child.kill('SIGTERM');
      assert.equal(await first.exited, 0, first.output());

      // Both purge as they start, at the same moment; SIGTERM then waits for a purge still running.
      const pair = await Promise.all([0, 1].map(() => startServer({ DATABASE_URL: scratch.url, LOG_LEVEL: 'info' })));
      started.push(...pair);
      for (const server of pair) server.child.kill('SIGTERM');
      for (const server of pair) assert.equal(await server.exited, 0, server.output());

      const logLines = pair.flatMap((server) =>
        server
          .output()
          .split('\n')
          .filter((line) => line.startsWith('{'))
          .map((line) => JSON.parse(line) as { msg?: string; purged?: number }),
      );
      assert.deepEqual(logLines.filter((line) => line.msg === 'purge of deleted organizations failed'), []);
      const purged = logLines.filter((line) => line.msg === 'purged deleted organizations past their retention');
      assert.equal(
        purged.reduce((sum, line) => sum + line.purged!, 0),
        EXPIRED_ORGANIZATIONS,
        pair.map((server) => server.output()).join('\n'),
      );

      const remaining = await db.db.selectFrom('organizations').select('id').orderBy('id').execute();
      assert.deepEqual(remaining.map((row) => row.id), [...kept].sort());
      for (const table of TABLES_OF_AN_ORGANIZATION) {
        const rows = await db.db.selectFrom(table).select('organization_id').execute();
        const owners = new Set(rows.map((row) => row.organization_id));
        assert.deepEqual([...owners].sort(), [...kept].sort(), table);
      }
    } finally {
      for (const server of started) server.child.kill('SIGKILL');
      await Promise.all(started.map((server) => server.exited));
      await db.close();
      await scratch.drop();
    }
  });
});
