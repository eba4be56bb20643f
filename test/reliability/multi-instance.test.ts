// Several server processes on one PostgreSQL database: started at the same moment on an empty database, their
// migrations must not collide; parallel creates of the same emails split across them yield exactly one customer
// per email, and a 409 naming it for every other request.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { systemClock } from '../../src/clock.js';
import { connectDatabase, type Database } from '../../src/db/connect.js';
import { isMigrated } from '../../src/db/migrate.js';
import { createOrganizationWithKey } from '../../src/domain/orgs/service.js';
import { scratchDatabase } from '../support/harness.js';
import { postgresUnavailableReason } from '../support/postgres.js';
import { startServer, type ServerProcess } from '../support/server-process.js';
import { postJson, type Answer } from './http.js';

const EMAILS = 30;
const REQUESTS_PER_EMAIL = 6;

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
});
