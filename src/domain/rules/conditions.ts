// The pure part of the rules: comparisons, running statistics, and how a comparison reads in a diagnosis.
import type { ReadingValue } from '../telemetry/model.js';
import type { Comparison, ThresholdValue } from './model.js';

/** True or false when the comparison applies to the value; null when it does not (an order on a non-number). */
export function compare(value: ReadingValue, op: Comparison, target: ThresholdValue): boolean | null {
  if (op === '==') return value === target;
  if (op === '!=') return value !== target;
  if (typeof value !== 'number' || typeof target !== 'number') return null;
  switch (op) {
    case '>':
      return value > target;
    case '>=':
      return value >= target;
    case '<':
      return value < target;
    case '<=':
      return value <= target;
  }
}

/** Welford's running mean and variance: one pass, numerically stable, three numbers of state. */
export interface RunningStats {
  n: number;
  mean: number;
  m2: number;
}

export const EMPTY_STATS: RunningStats = { n: 0, mean: 0, m2: 0 };

export function addSample(stats: RunningStats, x: number): RunningStats {
  const n = stats.n + 1;
  const delta = x - stats.mean;
  const mean = stats.mean + delta / n;
  return { n, mean, m2: stats.m2 + delta * (x - mean) };
}

export function standardDeviation(stats: RunningStats): number {
  return stats.n > 1 ? Math.sqrt(stats.m2 / (stats.n - 1)) : 0;
}

/** How many standard deviations `x` lies from the mean; Infinity when every earlier sample was equal and x is not. */
export function zScoreOf(stats: RunningStats, x: number): number {
  const sd = standardDeviation(stats);
  if (sd === 0) return x === stats.mean ? 0 : Infinity;
  return Math.abs(x - stats.mean) / sd;
}

export function formatDuration(seconds: number): string {
  if (seconds % 3600 === 0 && seconds >= 3600) return `${seconds / 3600} h`;
  if (seconds % 60 === 0 && seconds >= 60) return `${seconds / 60} min`;
  return `${seconds} s`;
}

export function formatValue(value: ReadingValue): string {
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}
