// Every write that belongs together commits through here, in one transaction.
//
// On PostgreSQL a transaction can fail through no fault of its own: a statement this server keeps prepared was
// planned before another process (a newer server's migration) changed its table, and PostgreSQL reports that only
// after aborting the transaction (db/pg-named-statements.ts). The statement has then been switched to unnamed on
// every connection, so the transaction runs again, and the request succeeds instead of answering 500.
import type { Transaction } from 'kysely';
import type { Db } from './connect.js';
import { isStalePlan } from './pg-named-statements.js';
import type { Tables } from './schema.js';

/**
 * Each stale plan unnames one more statement for good, so a transaction can meet at most one per distinct statement
 * it runs. Telemap's transactions run fewer than ten; the bound only keeps a broken assumption from looping.
 */
const MAX_ATTEMPTS = 10;

export async function inTransaction<T>(db: Db, work: (trx: Transaction<Tables>) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await db.transaction().execute(work);
    } catch (error) {
      if (!isStalePlan(error) || attempt >= MAX_ATTEMPTS) throw error;
    }
  }
}
