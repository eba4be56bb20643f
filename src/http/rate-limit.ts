// Per-key request limits over one or more fixed windows ("100 per second and 2000 per minute"), in memory.
// Limits are per process: N processes behind a load balancer let a key make up to N times the configured rate.
// Each window starts at the key's first request after the previous window ended (not aligned to the clock), so a
// burst can reach twice a limit across a window boundary, which is the usual price of a fixed window.

export interface RateLimitWindow {
  /** Requests allowed per window. */
  readonly limit: number;
  /** Window length in seconds. */
  readonly seconds: number;
}

/** What a request may do, and what its RateLimit-* headers say. */
export interface RateLimitDecision {
  readonly allowed: boolean;
  /** The window that is closest to refusing (or that refused): its limit, what is left, seconds to its reset. */
  readonly limit: number;
  readonly remaining: number;
  readonly resetSeconds: number;
  /** Seconds until every exhausted window has reset; set only when refused. */
  readonly retryAfterSeconds?: number;
}

interface Counter {
  start: number;
  count: number;
}

/**
 * `"100:1,2000:60"` → windows of 100 per 1 s and 2000 per 60 s. Throws a message naming the problem; empty or
 * "off" means no limit.
 */
export function parseRateLimit(raw: string | undefined): RateLimitWindow[] | null {
  const value = raw?.trim() ?? '';
  if (value === '' || value.toLowerCase() === 'off') return null;
  const windows: RateLimitWindow[] = [];
  for (const part of value.split(',')) {
    const match = /^\s*(\d{1,9})\s*:\s*(\d{1,9})\s*$/.exec(part);
    if (!match) throw new Error(`"${part.trim()}" is not <requests>:<seconds>`);
    const limit = Number(match[1]);
    const seconds = Number(match[2]);
    if (limit < 1 || seconds < 1) throw new Error(`"${part.trim()}": requests and seconds must be at least 1`);
    if (windows.some((w) => w.seconds === seconds)) throw new Error(`two limits for a ${seconds} s window`);
    windows.push({ limit, seconds });
  }
  return windows.sort((a, b) => a.seconds - b.seconds);
}

export class RateLimiter {
  private readonly counters = new Map<string, Counter[]>();
  private readonly longestMs: number;
  private lastSweep = 0;

  constructor(
    private readonly windows: readonly RateLimitWindow[],
    private readonly now: () => number = Date.now,
  ) {
    if (windows.length === 0) throw new Error('a rate limiter needs at least one window');
    this.longestMs = Math.max(...windows.map((w) => w.seconds * 1000));
  }

  /** Counts one request of `key` unless a window is exhausted; a refused request counts against no window. */
  hit(key: string): RateLimitDecision {
    const now = this.now();
    this.sweep(now);
    let counters = this.counters.get(key);
    if (!counters) {
      counters = this.windows.map(() => ({ start: now, count: 0 }));
      this.counters.set(key, counters);
    }
    let retryAfterMs = 0;
    for (let i = 0; i < this.windows.length; i++) {
      const window = this.windows[i]!;
      const counter = counters[i]!;
      if (now - counter.start >= window.seconds * 1000) {
        counter.start = now;
        counter.count = 0;
      }
      if (counter.count >= window.limit) {
        retryAfterMs = Math.max(retryAfterMs, counter.start + window.seconds * 1000 - now);
      }
    }
    const allowed = retryAfterMs === 0;
    if (allowed) for (const counter of counters) counter.count++;

    // Report the window with the fewest requests left; on a tie, the one that resets last.
    let chosen = 0;
    for (let i = 1; i < this.windows.length; i++) {
      const left = this.windows[i]!.limit - counters[i]!.count;
      const best = this.windows[chosen]!.limit - counters[chosen]!.count;
      if (left < best || (left === best && this.windows[i]!.seconds > this.windows[chosen]!.seconds)) chosen = i;
    }
    const window = this.windows[chosen]!;
    const counter = counters[chosen]!;
    const resetMs = counter.start + window.seconds * 1000 - now;
    return {
      allowed,
      limit: window.limit,
      remaining: Math.max(0, window.limit - counter.count),
      resetSeconds: Math.max(1, Math.ceil(resetMs / 1000)),
      ...(allowed ? {} : { retryAfterSeconds: Math.max(1, Math.ceil(retryAfterMs / 1000)) }),
    };
  }

  /** Keys currently tracked; memory is bounded by the keys seen within the longest window. */
  get size(): number {
    return this.counters.size;
  }

  /** Drops keys whose every window has ended, at most once per longest window. */
  private sweep(now: number): void {
    if (now - this.lastSweep < this.longestMs) return;
    this.lastSweep = now;
    for (const [key, counters] of this.counters) {
      const live = counters.some((c, i) => now - c.start < this.windows[i]!.seconds * 1000);
      if (!live) this.counters.delete(key);
    }
  }
}
