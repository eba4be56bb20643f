// PostgreSQL only: leaves 15% of each page of `devices` free, so that an update can put a row's new version on the
// page of the old one. Such an update (HOT, heap-only tuple) writes no index entry, and none of the columns that
// bulk-metadata and device updates change is indexed. With pages filled to the brim, PostgreSQL's default, most
// updates moved the row to another page and added an entry to both of the table's indexes, and under repeated
// bulk updates the table grew to over 40 times its size (docs/performance/experiments.md, "PostgreSQL leaves room in device pages").
// The setting applies to pages written from now on: the rows of older pages move to roomier ones as they are
// updated. SQLite rewrites a row where it is and has no such setting.
import { sql, type Kysely } from 'kysely';
import type { DialectSpec } from '../dialect.js';

export const DEVICES_FILLFACTOR = 85;

export async function up(db: Kysely<unknown>, dialect: DialectSpec): Promise<void> {
  if (dialect.name !== 'postgres') return;
  await sql`alter table devices set (fillfactor = ${sql.lit(DEVICES_FILLFACTOR)})`.execute(db);
}
