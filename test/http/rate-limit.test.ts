import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, loadConfig } from '../../src/config.js';
import { RateLimiter, parseRateLimit } from '../../src/http/rate-limit.js';
import { describeEachDialect } from '../support/harness.js';

describe('rate limit configuration', () => {
  it('is off by default and parses windows of <requests>:<seconds>', () => {
    assert.equal(loadConfig({}).rateLimit, null);
    assert.equal(loadConfig({ TELEMAP_RATE_LIMIT: 'off' }).rateLimit, null);
    assert.deepEqual(loadConfig({ TELEMAP_RATE_LIMIT: '2000:60, 100:1' }).rateLimit, [
      { limit: 100, seconds: 1 },
      { limit: 2000, seconds: 60 },
    ]);
  });

  it('refuses malformed values at start', () => {
    for (const raw of ['100', '100/1', '0:1', '5:0', 'a:b', '1:1,2:1', '100:1,']) {
      assert.throws(() => parseRateLimit(raw), Error, raw);
      assert.throws(
        () => loadConfig({ TELEMAP_RATE_LIMIT: raw }),
        (error: unknown) => error instanceof ConfigError && /TELEMAP_RATE_LIMIT/.test(error.message),
        raw,
      );
    }
  });
});

describe('RateLimiter', () => {
  it('refuses past any window, counts refused requests against none, and reports the tightest window', () => {
    let now = 1_000_000;
    const limiter = new RateLimiter(parseRateLimit('2:1,3:60')!, () => now);
    const first = limiter.hit('k');
    assert.deepEqual(first, { allowed: true, limit: 2, remaining: 1, resetSeconds: 1 });
    assert.equal(limiter.hit('k').allowed, true);
    const refused = limiter.hit('k');
    assert.equal(refused.allowed, false);
    assert.equal(refused.retryAfterSeconds, 1);
    now += 1000;
    // Second window: the per-minute budget has one left (the refused request did not count).
    const third = limiter.hit('k');
    assert.deepEqual(third, { allowed: true, limit: 3, remaining: 0, resetSeconds: 59 });
    const minute = limiter.hit('k');
    assert.equal(minute.allowed, false);
    assert.equal(minute.retryAfterSeconds, 59);
    assert.equal(limiter.hit('other').allowed, true, 'keys are counted apart');
  });

  it('forgets keys whose windows have all ended, so memory stays bounded', () => {
    let now = 0;
    const limiter = new RateLimiter(parseRateLimit('5:1,10:10')!, () => now);
    for (let i = 0; i < 1000; i++) limiter.hit(`key-${i}`);
    assert.equal(limiter.size, 1000);
    now += 10_001;
    limiter.hit('fresh');
    assert.equal(limiter.size, 1);
  });
});

describeEachDialect(
  'ext-v1 rate limiting',
  (h) => {
    const query = (apiKey: string | undefined) => h.extPost('/customer/queryCustomer', apiKey, { email: 'rl@example.com' });

    it('sends RateLimit headers, then 429 with Retry-After and the ext-v1 error body', async () => {
      h.clock.reset();
      const { apiKey } = await h.newOrg();
      for (const remaining of [2, 1, 0]) {
        const res = await query(apiKey);
        assert.equal(res.statusCode, 404);
        assert.equal(res.headers['ratelimit-limit'], '3');
        assert.equal(res.headers['ratelimit-remaining'], String(remaining));
        assert.ok(Number(res.headers['ratelimit-reset']) >= 1 && Number(res.headers['ratelimit-reset']) <= 60);
      }
      const refused = await query(apiKey);
      assert.equal(refused.statusCode, 429);
      assert.deepEqual(refused.json(), { error: 'Too many requests', requestId: refused.headers['x-request-id'] });
      assert.ok(Number(refused.headers['retry-after']) >= 1 && Number(refused.headers['retry-after']) <= 60);
      assert.equal(refused.headers['ratelimit-remaining'], '0');

      // Another key, even of the same organization, has its own budget.
      const other = await h.newOrg();
      assert.equal((await query(other.apiKey)).statusCode, 404);

      h.clock.advance(61_000);
      const again = await query(apiKey);
      assert.equal(again.statusCode, 404);
      assert.equal(again.headers['ratelimit-remaining'], '2');
      h.clock.reset();
    });

    it('checks the key first: bad keys get 401 and are not counted', async () => {
      for (let i = 0; i < 5; i++) {
        const res = await query('tlm_' + 'z'.repeat(40));
        assert.equal(res.statusCode, 401);
        assert.equal(res.headers['ratelimit-limit'], undefined);
      }
    });

    it('refuses before reading the body', async () => {
      h.clock.reset();
      const { apiKey } = await h.newOrg();
      for (let i = 0; i < 3; i++) await query(apiKey);
      const res = await h.extPost('/customer/createOrUpdateCustomer', apiKey, '{not json');
      assert.equal(res.statusCode, 429);
      assert.equal(res.json().error, 'Too many requests');
    });
  },
  { env: { TELEMAP_RATE_LIMIT: '3:60' } },
);

describeEachDialect('ext-v1 without rate limiting (the default)', (h) => {
  it('sends no RateLimit headers and never 429', async () => {
    const { apiKey } = await h.newOrg();
    for (let i = 0; i < 20; i++) {
      const res = await h.extPost('/customer/queryCustomer', apiKey, { email: 'none@example.com' });
      assert.equal(res.statusCode, 404);
      assert.equal(res.headers['ratelimit-limit'], undefined);
    }
  });
});
