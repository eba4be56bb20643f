// SQLite only: the WAL is checkpointed by a thread of its own (db/sqlite-checkpointer.ts), not inside the server's
// writes. PostgreSQL manages its own WAL. The bound tells three cases apart without timing anything closely: the
// thread checkpointing between bursts (under 1 MiB), SQLite's own checkpoint every 1000 pages in the server's
// thread (about 4 MiB), and no checkpoint at all (about 16 MiB).
import assert from 'node:assert/strict';
import { existsSync, statSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'node:test';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { connectDatabase } from '../src/db/connect.js';
import { migrateToLatest } from '../src/db/migrate.js';
import { systemClock } from '../src/clock.js';
import { createOrganizationWithKey } from '../src/domain/orgs/service.js';
import { scratchDatabase } from './support/harness.js';

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
