// On PostgreSQL, migration 0005 leaves 15% of each page of `devices` free, so that bulk-metadata's rewrites stay on
// their page and add no index entries (docs/decisions.md). What is checked is PostgreSQL's own record of the
// setting, not a timing. SQLite has no such setting; the migration leaves it alone.
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { it } from 'node:test';
import { DEVICES_FILLFACTOR } from '../src/db/migrations/0005_devices_fillfactor.js';
import { describeDialect } from './support/harness.js';

describeDialect('postgres', 'devices table storage', (h) => {
  it('leaves room in each page for a row’s updated version', async () => {
    const { rows } = await sql<{ reloptions: string[] | null }>`
      select reloptions from pg_class where relname = 'devices' and relkind = 'r'`.execute(h.database.db);
    assert.deepEqual(rows, [{ reloptions: [`fillfactor=${DEVICES_FILLFACTOR}`] }]);
  });
});
