// SQLite only: one statement run many times back to back on the single connection. Kysely runs every query
// through a chain of promises; for a bulk write of 1000 rows that chain cost as much as SQLite's own work (see
// docs/decisions.md). better-sqlite3 is synchronous, so a loop over a prepared statement does the same work
// without it.
import type SqliteDatabase from 'better-sqlite3';

export interface StatementBatch {
  /**
   * Runs `sql`, a statement that returns rows (a SELECT, or a write with RETURNING), once per parameter list, in
   * order, and returns the first row each run produced (undefined when it produced none). Runs inside a
   * transaction of the same database belong to that transaction: SQLite has one connection, and nothing else can
   * run on it while this loop holds the thread.
   */
  firstRows<R>(sql: string, parameterLists: ReadonlyArray<readonly unknown[]>): Array<R | undefined>;
}

export function sqliteStatementBatch(prepare: (sql: string) => SqliteDatabase.Statement): StatementBatch {
  return {
    firstRows<R>(sql: string, parameterLists: ReadonlyArray<readonly unknown[]>) {
      const statement = prepare(sql);
      return parameterLists.map((parameters) => statement.get(...parameters) as R | undefined);
    },
  };
}
