// PostgreSQL only: leaves 30% of each page of `rule_states` free. Ingest rewrites the row of each anomaly rule and
// device on every reading of its key, and none of the columns it changes is indexed unless a deadline moves
// (due_at): with room on the page the new version goes next to the old one (HOT, heap-only tuple) and no index entry
// is written. Rows are small, so the room costs little. The setting applies to pages written from now on. SQLite
// rewrites a row where it is and has no such setting.
import { sql, type Kysely } from 'kysely';
import type { DialectSpec } from '../dialect.js';

export const RULE_STATES_FILLFACTOR = 70;

export async function up(db: Kysely<unknown>, dialect: DialectSpec): Promise<void> {
  if (dialect.name !== 'postgres') return;
  await sql`alter table rule_states set (fillfactor = ${sql.lit(RULE_STATES_FILLFACTOR)})`.execute(db);
}
