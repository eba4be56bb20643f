// Rows taken by one process for work: locked until the transaction ends, skipping the rows other processes hold,
// so several processes on one PostgreSQL database share the work without waiting on each other. SQLite has one
// writer (one process owns the file), so its write transaction already excludes everyone else.
import type { SelectQueryBuilder } from 'kysely';
import type { DialectSpec } from '../../db/dialect.js';

export function claimRows<DB, TB extends keyof DB, O>(
  dialect: DialectSpec,
  query: SelectQueryBuilder<DB, TB, O>,
  table: TB & string,
): SelectQueryBuilder<DB, TB, O> {
  return dialect.name === 'postgres' ? query.forUpdate([table] as never).skipLocked() : query;
}
