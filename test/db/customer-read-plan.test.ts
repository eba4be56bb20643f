// SQLite only: every customer read lists the current devices through a covering index (migration 0004), so it never
// fetches an assignment's row. At a million customers that page was part of what a read cost beyond a small
// database (docs/performance/experiments.md). The plan is SQLite's own answer (EXPLAIN QUERY PLAN), not a timing, so a change to
// the query or the indexes that loses it fails here instead of in a benchmark.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import SqliteDatabase from 'better-sqlite3';
import { connectDatabase, type Database } from '../../src/db/connect.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import { findCustomerWithLinks } from '../../src/domain/customers/repository.js';
import { scratchDatabase } from '../support/harness.js';

type Prepare = (this: SqliteDatabase.Database, source: string) => SqliteDatabase.Statement;

describe('customer reads [sqlite]', () => {
  let scratch: Awaited<ReturnType<typeof scratchDatabase>>;
  let database: Database;
  const prototype = SqliteDatabase.prototype as unknown as { prepare: Prepare };
  const prepare = prototype.prepare;
  const prepared: string[] = [];

  before(async () => {
    scratch = await scratchDatabase('sqlite');
    // Records the SQL the server prepares; every statement still runs as it would.
    prototype.prepare = function (source) {
      prepared.push(source);
      return prepare.call(this, source);
    };
    database = connectDatabase(scratch.target, { checkpointThread: false });
    await migrateToLatest(database);
  });

  after(async () => {
    prototype.prepare = prepare;
    await database.close();
    await scratch.drop();
  });

  it('list the current devices from the covering index, by id and by email', async () => {
    if (scratch.target.kind !== 'sqlite') throw new Error('a SQLite scratch database was asked for');
    const planner = new SqliteDatabase(scratch.target.path, { readonly: true });
    try {
      for (const by of ['id', 'email'] as const) {
        prepared.length = 0;
        await findCustomerWithLinks(database, 'an-organization', by, 'a-value');
        const read = prepared.find((source) => source.includes('device_identifiers'));
        assert.ok(read, `the read by ${by} was prepared`);
        const plan = (planner.prepare(`explain query plan ${read}`).all('an-organization', 'a-value') as Array<{ detail: string }>).map(
          (step) => step.detail,
        );
        assert.ok(
          plan.includes('SEARCH assignments USING COVERING INDEX assignments_current_of_customer (customer_id=?)'),
          `by ${by}:\n${plan.join('\n')}`,
        );
      }
    } finally {
      planner.close();
    }
  });
});
