// How the benchmark sums up repeated runs (`--rounds`). Kept apart from run.ts so that it can be tested without
// starting a benchmark.
import type { LoadResult } from './load.js';

/**
 * The median of numbers (the rounds' changes, CPU per request): of an even count, the mean of the two middle ones.
 * With two rounds, taking the upper one had reported +7% for rounds of +7% and −15%.
 */
export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error('the median of no values');
  const sorted = [...values].sort((a, b) => a - b);
  const half = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[half]! : (sorted[half - 1]! + sorted[half]!) / 2;
}

/**
 * The run with the median throughput, with its own latencies (percentiles of different runs cannot be averaged),
 * and the failures summed over every run, so that one failing round is never hidden. Of an even count, the faster
 * of the two middle runs: the same rule for Telemap and for the floor, so their ratio is not tilted.
 */
export function medianRun(runs: readonly LoadResult[]): LoadResult {
  if (runs.length === 0) throw new Error('the median of no runs');
  const sorted = [...runs].sort((a, b) => a.requestsPerSecond - b.requestsPerSecond);
  const chosen = sorted[Math.floor(sorted.length / 2)]!;
  return { ...chosen, non2xx: runs.reduce((n, r) => n + r.non2xx, 0), errors: runs.reduce((n, r) => n + r.errors, 0) };
}
