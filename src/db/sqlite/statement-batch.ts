// One statement run many times back to back on SQLite's single connection. Kysely runs every query through a chain
// of promises; for a bulk write of 1000 rows that chain cost as much as SQLite's own work (docs/architecture.md).
// better-sqlite3 is synchronous, so a loop over a prepared statement does the same work without it.
import type SqliteDatabase from 'better-sqlite3';
import type { Compilable, DialectAdapter } from 'kysely';
import type { Db } from '../database.js';
import { bind, templateFor, type Argument, type Template } from '../prepared.js';

export interface StatementBatch {
  /**
   * Runs `sql`, a statement that returns rows (a SELECT, or a write with RETURNING), once per parameter list, in
   * order, and returns the first row each run produced (undefined when it produced none). Runs inside a
   * transaction of the same database belong to that transaction: SQLite has one connection, and nothing else can
   * run on it while this loop holds the thread.
   */
  firstRows<R>(sql: string, parameterLists: ReadonlyArray<readonly unknown[]>): Array<R | undefined>;
  /** Runs `sql`, a statement that returns no rows, once per parameter list, in order, as `firstRows` does. */
  runEach(sql: string, parameterLists: ReadonlyArray<readonly unknown[]>): void;
}

export function sqliteStatementBatch(prepare: (sql: string) => SqliteDatabase.Statement): StatementBatch {
  return {
    firstRows<R>(sql: string, parameterLists: ReadonlyArray<readonly unknown[]>) {
      const statement = prepare(sql);
      return parameterLists.map((parameters) => statement.get(...parameters) as R | undefined);
    },
    runEach(sql: string, parameterLists: ReadonlyArray<readonly unknown[]>) {
      const statement = prepare(sql);
      for (const parameters of parameterLists) statement.run(...parameters);
    },
  };
}

/**
 * A query built once (db/prepared.ts) and run once per argument list, in order, through the statement batch: each
 * run's first row, without a promise per run. The runs belong to the transaction `db` is part of.
 */
export function preparedForEach<R, A extends Argument[]>(
  build: (db: Db, ...args: A) => Compilable<R>,
): (db: Db, batch: StatementBatch, argumentLists: readonly A[]) => Array<R | undefined> {
  const templates = new WeakMap<DialectAdapter, Template>();
  return (db, batch, argumentLists) => {
    if (argumentLists.length === 0) return [];
    const template = templateFor(templates, db, build, argumentLists[0]!);
    return batch.firstRows<R>(
      template.compiled.sql,
      argumentLists.map((args) => bind(template, args)),
    );
  };
}
