// What a rule decides for one device, as a pure function of its state: on each reading (in timestamp order), and
// when time passes with no reading (the sweep). The caller keeps the state in rule_states and carries out the
// action (open, repeat, clear) in the same transaction.
import type { Reading } from '../telemetry/model.js';
import { addSample, compare, EMPTY_STATS, formatDuration, formatValue, zScoreOf, type RunningStats } from './conditions.js';
import type { AnomalyCondition, ClearCondition, InactivityCondition, Rule, ThresholdCondition } from './model.js';

export interface ThresholdState {
  kind: 'threshold';
  /** Consecutive readings on which the condition held, up to the rule's count. */
  run: number;
  /** Timestamp (ms) of the first reading of the current run; kept only when the rule has forSeconds. */
  since: number | null;
  /** The latest reading of the run, for an opening by the sweep. */
  last: Reading | null;
  /** Since when the clear condition has held (clear with forSeconds). */
  clearSince: number | null;
}

export interface AnomalyState {
  kind: 'anomaly';
  stats: RunningStats;
}

export interface InactivityState {
  kind: 'inactivity';
  /** When the device last reported (ms, receive time). */
  seenAt: number | null;
  /** The alert for the current silence has fired; the next reading resets it. */
  fired: boolean;
}

export type RuleState = ThresholdState | AnomalyState | InactivityState;

export type Action = { type: 'open'; reading: Reading | null; comparison: string } | { type: 'repeat' } | { type: 'clear'; why: string } | null;

export interface Step {
  state: RuleState;
  action: Action;
}

export function freshState(rule: Rule): RuleState {
  switch (rule.condition.kind) {
    case 'threshold':
      return { kind: 'threshold', run: 0, since: null, last: null, clearSince: null };
    case 'anomaly':
      return { kind: 'anomaly', stats: EMPTY_STATS };
    case 'inactivity':
      return { kind: 'inactivity', seenAt: null, fired: false };
  }
}

/**
 * What a rule keeps in rule_states between readings, which decides what ingest reads and writes for it:
 * - `none`: a threshold with no forSeconds, no count and no clear.forSeconds decides from the reading and whether an
 *   alert is open alone; it has no row.
 * - `while-held`: any other threshold remembers only while its condition (or its clear) is holding; a fresh state
 *   is no row, so a reading that breaks a condition that was not holding reads and writes nothing it need not.
 * - `always`: anomaly statistics change with every reading of the key.
 * - `silence`: inactivity; after a reading the state is the same whatever it was ({seenAt: now, fired: false}), so
 *   ingest writes it without reading it, and only where the sweep would not find the device's new report by itself.
 */
export type Memory = 'none' | 'while-held' | 'always' | 'silence';

export function memoryOf(rule: Rule): Memory {
  const condition = rule.condition;
  switch (condition.kind) {
    case 'threshold':
      return condition.forSeconds === 0 && condition.count === 1 && (rule.clear === null || rule.clear.forSeconds === 0) ? 'none' : 'while-held';
    case 'anomaly':
      return 'always';
    case 'inactivity':
      return 'silence';
  }
}

/** The state of an inactivity rule after any reading of the device. */
export function reportedState(receivedAtMs: number): InactivityState {
  return { kind: 'inactivity', seenAt: receivedAtMs, fired: false };
}

/** The stored state when it belongs to this kind of rule, else a fresh one (the rule was edited). */
export function stateFor(rule: Rule, stored: string | null): RuleState {
  if (stored) {
    try {
      const parsed = JSON.parse(stored) as Partial<RuleState>;
      if (parsed.kind === rule.condition.kind) return { ...freshState(rule), ...parsed } as RuleState;
    } catch {
      // a state that does not parse is started over
    }
  }
  return freshState(rule);
}

export function onReading(rule: Rule, state: RuleState, reading: Reading, receivedAtMs: number, alertOpen: boolean): Step {
  const condition = rule.condition;
  if (condition.kind === 'threshold' && state.kind === 'threshold') return thresholdReading(condition, rule.clear, state, reading, alertOpen);
  if (condition.kind === 'anomaly' && state.kind === 'anomaly') return anomalyReading(condition, state, reading, alertOpen);
  if (condition.kind === 'inactivity' && state.kind === 'inactivity') {
    return { state: reportedState(receivedAtMs), action: alertOpen ? { type: 'clear', why: 'the device reported again' } : null };
  }
  return { state, action: null };
}

export function thresholdText(condition: ThresholdCondition, value: Reading['value']): string {
  let text = `${condition.key} ${formatValue(value)} ${condition.op} ${formatValue(condition.value)}`;
  if (condition.forSeconds > 0) text += ` for ${formatDuration(condition.forSeconds)}`;
  if (condition.count > 1) text += ` on ${condition.count} consecutive readings`;
  return text;
}

function thresholdReading(condition: ThresholdCondition, clear: ClearCondition | null, state: ThresholdState, reading: Reading, alertOpen: boolean): Step {
  if (reading.key !== condition.key) return { state, action: null };
  const holds = compare(reading.value, condition.op, condition.value);
  if (holds === null) return { state, action: null };
  const windowMs = condition.forSeconds * 1000;

  if (alertOpen) {
    if (holds) return { state: { ...state, clearSince: null }, action: { type: 'repeat' } };
    const clearHolds = clear ? compare(reading.value, clear.op, clear.value) === true : true;
    if (!clearHolds) return { state: { ...state, clearSince: null }, action: null };
    const clearSince = state.clearSince ?? reading.ts;
    if (clear && reading.ts - clearSince < clear.forSeconds * 1000) return { state: { ...state, clearSince }, action: null };
    return { state: freshThreshold(), action: { type: 'clear', why: `${condition.key} read ${formatValue(reading.value)}` } };
  }

  if (!holds) return { state: isFreshThreshold(state) ? state : freshThreshold(), action: null };
  const run = Math.min(state.run + 1, condition.count);
  const since = windowMs > 0 ? (state.since ?? reading.ts) : null;
  const next: ThresholdState = { kind: 'threshold', run, since, last: windowMs > 0 ? reading : null, clearSince: null };
  if (run >= condition.count && (since === null || reading.ts - since >= windowMs)) {
    return { state: next, action: { type: 'open', reading, comparison: thresholdText(condition, reading.value) } };
  }
  return { state: next, action: null };
}

function freshThreshold(): ThresholdState {
  return { kind: 'threshold', run: 0, since: null, last: null, clearSince: null };
}

// Lets a reading that leaves a fresh state fresh return the same object, which the caller takes as "unchanged"; and a
// `while-held` rule whose state is fresh keeps no row.
export function isFreshThreshold(state: ThresholdState): boolean {
  return state.run === 0 && state.since === null && state.last === null && state.clearSince === null;
}

function anomalyReading(condition: AnomalyCondition, state: AnomalyState, reading: Reading, alertOpen: boolean): Step {
  if (reading.key !== condition.key || typeof reading.value !== 'number') return { state, action: null };
  const x = reading.value;
  const z = state.stats.n >= condition.minSamples ? zScoreOf(state.stats, x) : 0;
  const next: AnomalyState = { kind: 'anomaly', stats: addSample(state.stats, x) };
  if (z > condition.zScore) {
    const comparison = `${condition.key} ${formatValue(x)} lies ${Number.isFinite(z) ? z.toFixed(1) : 'infinitely many'} standard deviations from its mean ${round(state.stats.mean)} (more than ${condition.zScore}, over ${state.stats.n} readings)`;
    return { state: next, action: alertOpen ? { type: 'repeat' } : { type: 'open', reading, comparison } };
  }
  return { state: next, action: alertOpen ? { type: 'clear', why: `${condition.key} read ${formatValue(x)}, within bounds` } : null };
}

function round(value: number): string {
  return String(Math.round(value * 1000) / 1000);
}

/**
 * Time passing with no reading: a threshold's forSeconds (to open, or its clear's to clear) or an inactivity
 * timeout. `lastSeenMs` is the device's last report as the devices table has it.
 */
export function onTime(rule: Rule, state: RuleState, nowMs: number, alertOpen: boolean, lastSeenMs: number | null): Step {
  const condition = rule.condition;
  if (condition.kind === 'threshold' && state.kind === 'threshold') {
    if (!alertOpen && state.since !== null && state.last && state.run >= condition.count && nowMs - state.since >= condition.forSeconds * 1000) {
      return { state, action: { type: 'open', reading: state.last, comparison: thresholdText(condition, state.last.value) } };
    }
    const clear = rule.clear;
    if (alertOpen && clear && state.clearSince !== null && nowMs - state.clearSince >= clear.forSeconds * 1000) {
      return { state: freshThreshold(), action: { type: 'clear', why: `the clear condition held for ${formatDuration(clear.forSeconds)}` } };
    }
    return { state, action: null };
  }
  if (condition.kind === 'inactivity' && state.kind === 'inactivity') {
    const seenAt = Math.max(state.seenAt ?? 0, lastSeenMs ?? 0) || null;
    const next: InactivityState = { ...state, seenAt };
    if (!alertOpen && !state.fired && seenAt !== null && nowMs - seenAt >= condition.timeoutSeconds * 1000) {
      return { state: { ...next, fired: true }, action: { type: 'open', reading: null, comparison: inactivityText(condition, seenAt) } };
    }
    return { state: next, action: null };
  }
  return { state, action: null };
}

export function inactivityText(condition: InactivityCondition, seenAtMs: number): string {
  return `no reading for ${formatDuration(condition.timeoutSeconds)} (last at ${new Date(seenAtMs).toISOString()})`;
}

/** When the sweep should look at this (rule, device) again, or null when only a reading can change anything. */
export function dueAt(rule: Rule, state: RuleState, alertOpen: boolean): number | null {
  const condition = rule.condition;
  if (condition.kind === 'threshold' && state.kind === 'threshold') {
    if (!alertOpen && condition.forSeconds > 0 && state.since !== null && state.run >= condition.count) return state.since + condition.forSeconds * 1000;
    if (alertOpen && rule.clear && rule.clear.forSeconds > 0 && state.clearSince !== null) return state.clearSince + rule.clear.forSeconds * 1000;
    return null;
  }
  if (condition.kind === 'inactivity' && state.kind === 'inactivity') {
    if (alertOpen || state.fired || state.seenAt === null) return null;
    return state.seenAt + condition.timeoutSeconds * 1000;
  }
  return null;
}
