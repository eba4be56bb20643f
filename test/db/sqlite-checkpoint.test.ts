// SQLite only: the WAL is checkpointed by a thread of its own (db/sqlite/checkpointer.ts), not inside the server's
// writes. PostgreSQL manages its own WAL. The bound tells three cases apart without timing anything closely: the
// thread checkpointing between bursts (under 1 MiB), SQLite's own checkpoint every 1000 pages in the server's
// thread (about 4 MiB), and no checkpoint at all (about 16 MiB).
import assert from 'node:assert/strict';
import { existsSync, statSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'node:test';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { connectDatabase, writeGateOf } from '../../src/db/connect.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import { systemClock } from '../../src/clock.js';
import { createOrganizationWithKey } from '../../src/domain/orgs/service.js';
import { scratchDatabase } from '../support/harness.js';

const BURSTS = 20;
const WRITES_PER_BURST = 50;
const MiB = 1024 * 1024;

test('the WAL is checkpointed between bursts of writes, and folded into the database on close [sqlite]', async () => {
  const scratch = await scratchDatabase('sqlite');
  assert.equal(scratch.target.kind, 'sqlite');
  const path = scratch.target.kind === 'sqlite' ? scratch.target.path : '';
  const database = connectDatabase(scratch.target);
  try {
    await migrateToLatest(database);
    const app = await buildApp({ config: loadConfig({ DATABASE_URL: scratch.url, LOG_LEVEL: 'silent' }), database, logger: false });
    const { firstKey } = await createOrganizationWithKey({ database, clock: systemClock }, { name: 'Checkpoint' });
    const walSize = () => (existsSync(`${path}-wal`) ? statSync(`${path}-wal`).size : 0);

    let largestWal = 0;
    for (let burst = 0; burst < BURSTS; burst++) {
      for (let i = 0; i < WRITES_PER_BURST; i++) {
        const response = await app.inject({
          method: 'POST',
          url: '/api/ext-v1/customer/createOrUpdateCustomer',
          headers: { 'x-api-key': firstKey.apiKey, 'content-type': 'application/json' },
          payload: JSON.stringify({ email: `c${burst}-${i}@checkpoint.example`, name: 'x'.repeat(200) }),
        });
        assert.equal(response.statusCode, 200, response.body);
      }
      largestWal = Math.max(largestWal, walSize());
      // Several of the thread's 100 ms intervals, so a checkpoint falls between bursts even on a loaded machine.
      await sleep(300);
    }
    await app.close();

    assert.ok(largestWal < 2 * MiB, `the WAL grew to ${(largestWal / MiB).toFixed(1)} MiB`);
    await database.close();
    assert.equal(existsSync(`${path}-wal`), false, 'closing leaves no WAL behind');
  } finally {
    await scratch.drop();
  }
});

test('writes held back by the checkpoint thread at every interval all commit, none lost [sqlite]', async () => {
  const scratch = await scratchDatabase('sqlite');
  // A restart threshold of one page: the thread holds writes back at each 100 ms interval in which any were made.
  const database = connectDatabase(scratch.target, { walRestartFrames: 1 });
  try {
    await migrateToLatest(database);
    const app = await buildApp({ config: loadConfig({ DATABASE_URL: scratch.url, LOG_LEVEL: 'silent' }), database, logger: false });
    const { firstKey } = await createOrganizationWithKey({ database, clock: systemClock }, { name: 'Held writes' });
    const gate = writeGateOf(database)!;
    let holds = 0;
    const close = gate.close.bind(gate);
    gate.close = () => {
      holds++;
      return close();
    };
    const send = (url: string, body: unknown) =>
      app.inject({ method: 'POST', url, headers: { 'x-api-key': firstKey.apiKey, 'content-type': 'application/json' }, payload: JSON.stringify(body) });

    // 32 clients writing without pause until the thread has held writes back several times (or 20 s have gone).
    let written = 0;
    const deadline = Date.now() + 20_000;
    const client = async (n: number) => {
      for (let i = 0; (holds < 3 || written < 500) && Date.now() < deadline; i++) {
        const email = `c${n}-${i}@held.example`;
        const customer = await send('/api/ext-v1/customer/createOrUpdateCustomer', { email });
        assert.equal(customer.statusCode, 200, customer.body);
        const ticket = await send('/api/ext-v1/ticket/createTicket', { title: 'Offline', description: 'Since noon', priority: 'low', customerEmail: email });
        assert.equal(ticket.statusCode, 200, ticket.body);
        written++;
      }
    };
    await Promise.all(Array.from({ length: 32 }, (_, n) => client(n)));
    assert.ok(holds >= 3, `the thread held writes back ${holds} times`);

    const rows = async (table: 'customers' | 'tickets') =>
      Number((await database.db.selectFrom(table).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
    assert.equal(await rows('customers'), written);
    assert.equal(await rows('tickets'), written);
    await app.close();
  } finally {
    await database.close();
    await scratch.drop();
  }
});
