// Every write that belongs together commits through here, in one transaction.
//
// On SQLite, the transactions started in the same turn of the event loop commit together, each under a savepoint
// of its own (db/group-commit.ts): one commit costs more than most transactions' own work.
//
// On PostgreSQL a transaction can fail through no fault of its own: a statement this server keeps prepared was
// planned before another process (a newer server's migration) changed its table, and PostgreSQL reports that only
// after aborting the transaction (db/pg-named-statements.ts). The statement has then been switched to unnamed on
// every connection, so the transaction runs again, and the request succeeds instead of answering 500.
import type { Transaction } from 'kysely';
import { notifyCommitted } from './commit-signal.js';
import type { Database, Db } from './connect.js';
import { isStalePlan } from './pg-named-statements.js';
import type { Tables } from './schema.js';

/**
 * Each stale plan unnames one more statement for good, so a transaction can meet at most one per distinct statement
 * it runs. Telemap's transactions run fewer than ten; the bound only keeps a broken assumption from looping.
 */
const MAX_ATTEMPTS = 10;

export interface TransactionOptions {
  /**
   * Commit on its own, at once, instead of with a group (SQLite). For transactions so large that the commit is a
   * small part of them, such as a 1000-device bulk-metadata: a group saves them little, and waiting for the next
   * turn of the event loop halved bulk-metadata's throughput at 32 connections, even in groups of one
   * (docs/decisions.md).
   */
  alone?: boolean;
}

export async function inTransaction<T>(
  database: Pick<Database, 'db' | 'groupCommit' | 'writeGate'>,
  work: (trx: Transaction<Tables>) => Promise<T>,
  options: TransactionOptions = {},
): Promise<T> {
  const result = await runTransaction(database, work, options);
  notifyCommitted();
  return result;
}

async function runTransaction<T>(
  database: Pick<Database, 'db' | 'groupCommit' | 'writeGate'>,
  work: (trx: Transaction<Tables>) => Promise<T>,
  options: TransactionOptions,
): Promise<T> {
  // On SQLite a stale plan cannot happen (better-sqlite3 prepares the statement again on its own), so the retry
  // below only ever runs on PostgreSQL. SQLite's transactions pass through its write gate (db/write-gate.ts).
  if (database.groupCommit && !options.alone) return database.groupCommit.run(work);
  if (database.writeGate) return database.writeGate.through(() => database.db.transaction().execute(work));
  for (let attempt = 1; ; attempt++) {
    try {
      return await database.db.transaction().execute(work);
    } catch (error) {
      if (!isStalePlan(error) || attempt >= MAX_ATTEMPTS) throw error;
    }
  }
}

/**
 * One write statement, atomic on its own. On SQLite it commits together with the transactions started in the same
 * turn (db/group-commit.ts), which costs far less than a commit of its own. On PostgreSQL the statement runs as its
 * own implicit transaction: wrapping it in BEGIN and COMMIT would only add two round trips.
 */
export function inOneStatement<T>(database: Pick<Database, 'db' | 'groupCommit'>, statement: (db: Db) => Promise<T>): Promise<T> {
  return database.groupCommit ? database.groupCommit.run(statement) : statement(database.db);
}
