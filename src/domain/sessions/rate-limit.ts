// Sign-in attempts are limited per (account, client address) and per client address, in fixed windows. The
// per-account window is in the database (account-failures.ts), shared by every process, so a lockout and its lift
// hold whichever process serves the request. The per-address window is in the memory of each process: behind a load
// balancer each process counts an address on its own (docs/helpdesk.md).
import type { Clock } from '../../clock.js';
import type { Database } from '../../db/database.js';
import { AccountFailures } from './account-failures.js';

export interface RateLimitRule {
  /** Failed attempts allowed in one window. */
  max: number;
  windowMs: number;
}

export const SIGN_IN_LIMITS = {
  perAccount: { max: 5, windowMs: 15 * 60 * 1000 },
  perAddress: { max: 50, windowMs: 15 * 60 * 1000 },
} as const satisfies Record<string, RateLimitRule>;

const PRUNE_EVERY_FAILURES = 100;

interface Window {
  startedAt: number;
  failures: number;
}

export class FailureLimiter {
  private readonly windows = new Map<string, Window>();
  constructor(
    private readonly rule: RateLimitRule,
    private readonly clock: Clock,
    private readonly maxKeys = 100_000,
  ) {}

  /** Milliseconds until `key` may try again, or 0 when it may try now. */
  retryAfterMs(key: string): number {
    const window = this.current(key);
    if (!window || window.failures < this.rule.max) return 0;
    return window.startedAt + this.rule.windowMs - this.clock.now().getTime();
  }

  recordFailure(key: string): void {
    const now = this.clock.now().getTime();
    const window = this.current(key);
    if (window) window.failures += 1;
    else {
      if (this.windows.size >= this.maxKeys) this.prune(now);
      this.windows.set(key, { startedAt: now, failures: 1 });
    }
  }

  reset(key: string): void {
    this.windows.delete(key);
  }

  private current(key: string): Window | undefined {
    const window = this.windows.get(key);
    if (window && window.startedAt + this.rule.windowMs <= this.clock.now().getTime()) {
      this.windows.delete(key);
      return undefined;
    }
    return window;
  }

  private prune(now: number): void {
    for (const [key, window] of this.windows) {
      if (window.startedAt + this.rule.windowMs <= now) this.windows.delete(key);
    }
    // Still full: forget the oldest entries rather than grow without bound.
    for (const key of this.windows.keys()) {
      if (this.windows.size < this.maxKeys) break;
      this.windows.delete(key);
    }
  }
}

export class SignInLimiter {
  private readonly account: AccountFailures;
  private readonly address: FailureLimiter;
  private failuresSincePrune = 0;
  constructor(database: Pick<Database, 'db' | 'writeStatement'>, clock: Clock) {
    this.account = new AccountFailures(database, SIGN_IN_LIMITS.perAccount, clock);
    this.address = new FailureLimiter(SIGN_IN_LIMITS.perAddress, clock);
  }
  async retryAfterMs(email: string, ip: string): Promise<number> {
    return Math.max(await this.account.retryAfterMs(email, ip), this.address.retryAfterMs(ip));
  }
  async recordFailure(email: string, ip: string): Promise<void> {
    this.address.recordFailure(ip);
    await this.account.recordFailure(email, ip);
    // Failures for addresses nobody signs in with would otherwise stay; an ended window is forgotten now and then.
    this.failuresSincePrune += 1;
    if (this.failuresSincePrune >= PRUNE_EVERY_FAILURES) {
      this.failuresSincePrune = 0;
      await this.account.pruneEnded();
    }
  }
  async recordSuccess(email: string): Promise<void> {
    await this.account.reset(email);
  }
  /**
   * Lifts the per-account lockout of `email`: an admin vouched for the person, or they proved they own the mailbox
   * with a reset link. The per-address limit stays, it guards against guessing across accounts.
   */
  async unlockAccount(email: string): Promise<void> {
    await this.account.reset(email);
  }
}
