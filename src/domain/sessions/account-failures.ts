// The per-account window of failed sign-ins, kept in the database so that every server process on one database sees
// the same lockout, counts the same failures and honours the same lift (an admin's or a successful reset's).
import type { Clock } from '../../clock.js';
import type { Database } from '../../db/database.js';
import { inOneStatement } from '../../db/transaction.js';
import type { RateLimitRule } from './rate-limit.js';

export class AccountFailures {
  constructor(
    private readonly database: Pick<Database, 'db' | 'writeStatement'>,
    private readonly rule: RateLimitRule,
    private readonly clock: Clock,
  ) {}

  /** Milliseconds until `email` may try again from `address`, or 0 when it may try now. */
  async retryAfterMs(email: string, address: string): Promise<number> {
    const row = await this.database.db
      .selectFrom('sign_in_failures')
      .select(['failures', 'window_started_at'])
      .where('email', '=', email)
      .where('address', '=', address)
      .executeTakeFirst();
    if (!row || Number(row.failures) < this.rule.max) return 0;
    return Math.max(0, Date.parse(row.window_started_at) + this.rule.windowMs - this.clock.now().getTime());
  }

  /** One upsert: the first failure of a window (or of a window that ended) starts one, later ones add to it. */
  async recordFailure(email: string, address: string): Promise<void> {
    const now = this.clock.now();
    const nowIso = now.toISOString();
    const endedBefore = new Date(now.getTime() - this.rule.windowMs).toISOString();
    await inOneStatement(this.database, (db) =>
      db
        .insertInto('sign_in_failures')
        .values({ email, address, failures: 1, window_started_at: nowIso })
        .onConflict((oc) =>
          oc.columns(['email', 'address']).doUpdateSet((eb) => {
            const ended = eb('sign_in_failures.window_started_at', '<=', endedBefore);
            return {
              failures: eb.case().when(ended).then(1).else(eb('sign_in_failures.failures', '+', 1)).end(),
              window_started_at: eb.case().when(ended).then(nowIso).else(eb.ref('sign_in_failures.window_started_at')).end(),
            };
          }),
        )
        .execute(),
    );
  }

  /** Ends the windows of `email` from every address: a successful sign-in, an admin's lift, or a reset through a link. */
  async reset(email: string): Promise<void> {
    await inOneStatement(this.database, (db) => db.deleteFrom('sign_in_failures').where('email', '=', email).execute());
  }

  /** Forgets the windows that ended, so that failures for addresses nobody uses do not pile up. */
  async pruneEnded(): Promise<void> {
    const endedBefore = new Date(this.clock.now().getTime() - this.rule.windowMs).toISOString();
    await inOneStatement(this.database, (db) => db.deleteFrom('sign_in_failures').where('window_started_at', '<=', endedBefore).execute());
  }
}
