// The one place that knows how SQLite and PostgreSQL differ. Everything else asks this module.
import { sql, type Expression, type RawBuilder, type SelectQueryBuilder } from 'kysely';

export type DialectName = 'sqlite' | 'postgres';

export interface DialectSpec {
  readonly name: DialectName;
  /** Column type for timestamps: timestamptz where the database has one, ISO text otherwise. */
  readonly timestampType: 'timestamptz' | 'text';
  /**
   * Lock the selected rows until the transaction ends. PostgreSQL needs `FOR UPDATE` for read-modify-write;
   * SQLite has a single writer, so a write transaction already excludes every other writer.
   */
  forUpdate<DB, TB extends keyof DB, O>(query: SelectQueryBuilder<DB, TB, O>): SelectQueryBuilder<DB, TB, O>;
  /**
   * Aggregate: the values of `value` over the group as the text of a JSON array, in `orderBy` order; `[]` over no
   * rows. Text on both dialects (not PostgreSQL's parsed json), so every caller parses the same way. Lets one
   * statement return a row with its list of children instead of one round trip per list.
   */
  jsonArrayText(value: Expression<unknown>, orderBy: readonly Expression<unknown>[]): RawBuilder<string>;
}

export const sqliteDialect: DialectSpec = {
  name: 'sqlite',
  timestampType: 'text',
  forUpdate: (query) => query,
  jsonArrayText: (value, orderBy) => sql<string>`json_group_array(${value} order by ${sql.join(orderBy)})`,
};

export const postgresDialect: DialectSpec = {
  name: 'postgres',
  timestampType: 'timestamptz',
  forUpdate: (query) => query.forUpdate(),
  jsonArrayText: (value, orderBy) => sql<string>`coalesce(json_agg(${value} order by ${sql.join(orderBy)})::text, '[]')`,
};

/** True when a write failed on a unique index or primary key, on either dialect. */
export function isUniqueViolation(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const code = (error as { code?: unknown }).code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}
