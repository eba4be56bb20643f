// When a failed delivery is tried again: the Standard Webhooks schedule, then every 10 hours, until 3 days have
// passed since the first attempt. A receiver's Retry-After can push an attempt later, never earlier.
const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

export interface RetryPolicy {
  /** Delays after the 1st, 2nd, … failed attempt; the last one repeats. */
  readonly delaysMs: readonly number[];
  /** No attempt is scheduled later than this after the first one; the delivery fails instead. */
  readonly giveUpAfterMs: number;
  /** The longest wait a Retry-After may ask for. */
  readonly maxRetryAfterMs: number;
}

export const STANDARD_RETRY_POLICY: RetryPolicy = Object.freeze({
  delaysMs: Object.freeze([5 * SECOND, 5 * MINUTE, 30 * MINUTE, 2 * HOUR, 5 * HOUR, 10 * HOUR]),
  giveUpAfterMs: 72 * HOUR,
  maxRetryAfterMs: 24 * HOUR,
});

/**
 * The time of the next attempt after `attempt` attempts have failed, or null when the delivery has run out of
 * time. `retryAfterMs` is what the receiver asked for, if anything.
 */
export function nextAttemptTime(
  policy: RetryPolicy,
  attempt: number,
  firstAttemptAt: number,
  now: number,
  retryAfterMs: number | null = null,
): number | null {
  const scheduled = policy.delaysMs[Math.min(attempt, policy.delaysMs.length) - 1] ?? policy.delaysMs[0]!;
  const delay = retryAfterMs === null ? scheduled : Math.max(scheduled, Math.min(retryAfterMs, policy.maxRetryAfterMs));
  const next = now + delay;
  return next > firstAttemptAt + policy.giveUpAfterMs ? null : next;
}

/** `Retry-After` as milliseconds from `now`: delay-seconds or an HTTP date; null when absent or unreadable. */
export function parseRetryAfter(header: string | string[] | undefined, now: number): number | null {
  const value = (Array.isArray(header) ? header[0] : header)?.trim();
  if (!value) return null;
  if (/^\d+$/.test(value)) return Number(value) * SECOND;
  const date = Date.parse(value);
  if (Number.isNaN(date)) return null;
  return Math.max(0, date - now);
}
