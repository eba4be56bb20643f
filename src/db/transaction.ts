// Every write that belongs together commits through here, in one transaction. How it commits is the dialect's
// (docs/architecture.md): on SQLite together with the other transactions of the same turn of the event loop; on
// PostgreSQL alone, run once more if a plan went stale under it.
import type { Transaction } from 'kysely';
import { notifyCommitted } from './commit-signal.js';
import type { Database, Db, WriteOptions } from './database.js';
import type { Tables } from './schema.js';

export type TransactionOptions = WriteOptions;

export function inTransaction<T>(
  database: Pick<Database, 'write'>,
  work: (trx: Transaction<Tables>) => Promise<T>,
  options: TransactionOptions = {},
): Promise<T> {
  return database.write(work, options).then((result) => {
    // Background work of this process (the outbox worker) hears of the commit at once instead of at its next poll.
    notifyCommitted();
    return result;
  });
}

/**
 * One write statement, atomic on its own: on SQLite it commits with the transactions of the same turn, which costs
 * far less than a commit of its own; on PostgreSQL it runs as its own implicit transaction.
 */
export function inOneStatement<T>(database: Pick<Database, 'writeStatement'>, statement: (db: Db) => Promise<T>): Promise<T> {
  return database.writeStatement(statement);
}
