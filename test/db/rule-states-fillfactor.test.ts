// On PostgreSQL, migration 0010 leaves room in each page of `rule_states`, so that ingest's rewrite of an anomaly
// rule's statistics stays on its page and adds no index entry. SQLite has no such setting; the migration leaves it
// alone.
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { it } from 'node:test';
import { RULE_STATES_FILLFACTOR } from '../../src/db/migrations/0010_rule_states_fillfactor.js';
import { describeDialect } from '../support/harness.js';

describeDialect('postgres', 'rule_states table storage', (h) => {
  it('leaves room in each page for a row’s updated version', async () => {
    const { rows } = await sql<{ reloptions: string[] | null }>`
      select reloptions from pg_class where relname = 'rule_states' and relkind = 'r'`.execute(h.database.db);
    assert.deepEqual(rows, [{ reloptions: [`fillfactor=${RULE_STATES_FILLFACTOR}`] }]);
  });
});
