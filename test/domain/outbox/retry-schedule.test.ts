// The retry schedule of support loop §6.2: 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, then every 10 h up to 3 days after
// the first attempt; Retry-After (seconds or an HTTP date) pushes an attempt later, within a bound.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { nextAttemptTime, parseRetryAfter, STANDARD_RETRY_POLICY } from '../../../src/domain/outbox/retry-schedule.js';

const S = 1000;
const M = 60 * S;
const H = 60 * M;

it('follows the Standard Webhooks schedule, then every 10 hours, and gives up after 3 days', () => {
  const first = Date.UTC(2026, 0, 1);
  let now = first;
  const delays: number[] = [];
  for (let attempt = 1; ; attempt++) {
    const next = nextAttemptTime(STANDARD_RETRY_POLICY, attempt, first, now);
    if (next === null) break;
    delays.push(next - now);
    now = next;
  }
  assert.deepEqual(delays, [5 * S, 5 * M, 30 * M, 2 * H, 5 * H, 10 * H, 10 * H, 10 * H, 10 * H, 10 * H, 10 * H]);
  assert.ok(now - first <= 72 * H);
  assert.ok(now + 10 * H - first > 72 * H);
});

it('honours Retry-After in seconds or as an HTTP date, never sooner than the schedule and at most 24 hours', () => {
  const now = Date.UTC(2026, 0, 1, 12);
  assert.equal(parseRetryAfter('120', now), 120 * S);
  assert.equal(parseRetryAfter(new Date(now + 90 * S).toUTCString(), now), 90 * S);
  assert.equal(parseRetryAfter(new Date(now - 90 * S).toUTCString(), now), 0);
  assert.equal(parseRetryAfter('soon', now), null);
  assert.equal(parseRetryAfter(undefined, now), null);
  assert.equal(nextAttemptTime(STANDARD_RETRY_POLICY, 1, now, now, 120 * S), now + 120 * S);
  assert.equal(nextAttemptTime(STANDARD_RETRY_POLICY, 1, now, now, 1 * S), now + 5 * S);
  assert.equal(nextAttemptTime(STANDARD_RETRY_POLICY, 1, now, now, 7 * 24 * H), now + 24 * H);
});
