// SQLite only: a hot read on the database itself runs straight on the connection, without Kysely's executor.
//
// Kysely sends every query through a chain of promises and a connection mutex, even on SQLite, where better-sqlite3
// answers synchronously. For the reads every request makes (the customer record, a key on a cache miss), that
// chain cost 3.5 µs a query in a loop, against 16 µs for getCustomer's statement itself. A read may skip it only
// when no transaction is open on the connection: SQLite has one connection per process, and a read run inside
// another request's open transaction (a group commit waiting between two statements) would see writes that may
// still roll back. Then it goes through Kysely, which queues it behind the transaction as before.
import type SqliteDatabase from 'better-sqlite3';
import type { Db } from './connect.js';

export interface DirectReads {
  /**
   * The rows of `sql`, a statement that returns rows, run at once; or undefined when it must go through Kysely
   * instead: a transaction is open on the connection, or the statement does not return rows.
   */
  rowsIfIdle(sql: string, parameters: readonly unknown[]): unknown[] | undefined;
}

// Keyed by the database's own Kysely instance. Each transaction is a Kysely instance of its own, so queries run
// inside one never find an entry here and keep to their transaction's connection.
const directReadsByDb = new WeakMap<Db, DirectReads>();

export function directReadsOf(db: Db): DirectReads | undefined {
  return directReadsByDb.get(db);
}

export function enableDirectReads(
  db: Db,
  sqlite: SqliteDatabase.Database,
  prepare: (sql: string) => SqliteDatabase.Statement,
): void {
  directReadsByDb.set(db, {
    rowsIfIdle(sql, parameters) {
      if (sqlite.inTransaction) return undefined;
      const statement = prepare(sql);
      return statement.reader ? statement.all(parameters) : undefined;
    },
  });
}
