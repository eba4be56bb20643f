// The benchmark's figures are medians over rounds; a wrong median would misreport every target (README,
// "Performance"). No server or database: these are the bench's own sums.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { LoadResult } from '../../bench/load.js';
import { median, medianRun } from '../../bench/stats.js';

const run = (requestsPerSecond: number, p99: number, non2xx = 0, errors = 0): LoadResult => ({
  requestsPerSecond,
  p50: p99 / 4,
  p99,
  p999: p99 * 2,
  total: requestsPerSecond * 10,
  non2xx,
  errors,
});

describe('bench statistics', () => {
  it('take the middle value, and the mean of the two middle ones of an even count', () => {
    assert.equal(median([5]), 5);
    assert.equal(median([0.25, -0.75]), -0.25);
    assert.equal(median([3, 1, 2]), 2);
    assert.equal(median([4, 1, 3, 2]), 2.5);
    assert.throws(() => median([]), /no values/);
  });

  it('report the median run with its own latencies, and every run’s failures', () => {
    assert.deepEqual(medianRun([run(300, 9), run(100, 30, 1), run(200, 12, 0, 2)]), run(200, 12, 1, 2));
    // Of two, the faster, for Telemap and the floor alike.
    assert.deepEqual(medianRun([run(150, 7), run(120, 11)]), run(150, 7));
    assert.throws(() => medianRun([]), /no runs/);
  });
});
