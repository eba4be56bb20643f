// Sign-in attempts are limited per (email, client address) and per client address, in fixed windows, in the
// memory of the process. Behind a load balancer each process counts on its own, so the effective limit is the
// per-process limit times the number of processes; that is documented in the README.
import type { Clock } from '../../clock.js';

export interface RateLimitRule {
  /** Failed attempts allowed in one window. */
  max: number;
  windowMs: number;
}

export const SIGN_IN_LIMITS = {
  perAccount: { max: 5, windowMs: 15 * 60 * 1000 },
  perAddress: { max: 50, windowMs: 15 * 60 * 1000 },
} as const satisfies Record<string, RateLimitRule>;

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

  /** Forgets every key starting with `prefix` (an account's windows from every address). */
  resetPrefix(prefix: string): void {
    for (const key of this.windows.keys()) if (key.startsWith(prefix)) this.windows.delete(key);
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
  private readonly account: FailureLimiter;
  private readonly address: FailureLimiter;
  constructor(clock: Clock) {
    this.account = new FailureLimiter(SIGN_IN_LIMITS.perAccount, clock);
    this.address = new FailureLimiter(SIGN_IN_LIMITS.perAddress, clock);
  }
  retryAfterMs(email: string, ip: string): number {
    return Math.max(this.account.retryAfterMs(`${email}\n${ip}`), this.address.retryAfterMs(ip));
  }
  recordFailure(email: string, ip: string): void {
    this.account.recordFailure(`${email}\n${ip}`);
    this.address.recordFailure(ip);
  }
  recordSuccess(email: string, ip: string): void {
    this.account.reset(`${email}\n${ip}`);
  }
  /**
   * Lifts the per-account lockout of `email` from every address: an admin vouched for the person, or they proved
   * they own the mailbox with a reset link. The per-address limit stays, it guards against guessing across accounts.
   */
  unlockAccount(email: string): void {
    this.account.resetPrefix(`${email}\n`);
  }
}
