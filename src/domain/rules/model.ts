// The vocabulary of rules: the three condition kinds, a threshold rule's clear condition, and the defaults a new
// rule gets. Validation names the field at fault, so a malformed rule is a 400 that says what to fix.
import { DomainError } from '../errors.js';
import type { TicketPriority } from '../tickets/model.js';
import { TICKET_PRIORITIES } from '../tickets/model.js';

export const SEVERITIES = ['critical', 'major', 'minor', 'warning'] as const;
export type Severity = (typeof SEVERITIES)[number];

export const COMPARISONS = ['>', '>=', '<', '<=', '==', '!='] as const;
export type Comparison = (typeof COMPARISONS)[number];

export type ThresholdValue = number | string | boolean;

export interface ThresholdCondition {
  kind: 'threshold';
  key: string;
  op: Comparison;
  value: ThresholdValue;
  forSeconds: number;
  count: number;
}

export interface InactivityCondition {
  kind: 'inactivity';
  timeoutSeconds: number;
}

export interface AnomalyCondition {
  kind: 'anomaly';
  key: string;
  zScore: number;
  minSamples: number;
}

export type RuleCondition = ThresholdCondition | InactivityCondition | AnomalyCondition;
export type RuleKind = RuleCondition['kind'];

export interface ClearCondition {
  op: Comparison;
  value: ThresholdValue;
  forSeconds: number;
}

export interface Rule {
  id: string;
  organizationId: string;
  name: string;
  deviceType: string | null;
  severity: Severity;
  condition: RuleCondition;
  clear: ClearCondition | null;
  createTicket: boolean;
  ticketPriority: TicketPriority;
  notifyOwners: boolean;
  enabled: boolean;
  createdAt: string;
  updatedAt: string;
}

/** What a client may set; every field optional here, `name` and `condition` are required on creation. */
export interface RuleInput {
  name?: unknown;
  deviceType?: unknown;
  severity?: unknown;
  condition?: unknown;
  clear?: unknown;
  createTicket?: unknown;
  ticketPriority?: unknown;
  notifyOwners?: unknown;
  enabled?: unknown;
}

export type RuleFields = Omit<Rule, 'id' | 'organizationId' | 'createdAt' | 'updatedAt'>;

export const DEFAULT_Z_SCORE = 4;
export const DEFAULT_MIN_SAMPLES = 50;
export const MIN_MIN_SAMPLES = 10;

export function defaultPriority(severity: Severity): TicketPriority {
  return severity === 'critical' ? 'urgent' : severity === 'major' ? 'high' : 'medium';
}

function invalid(field: string, reason: string): never {
  throw new DomainError({ code: 'invalid_input', field, reason });
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function refuseUnknown(value: Record<string, unknown>, allowed: readonly string[], where: string): void {
  for (const field of Object.keys(value)) if (!allowed.includes(field)) invalid(`${where}.${field}`, 'is not a field of this kind');
}

function nonNegativeNumber(value: unknown, field: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) invalid(field, 'must be a number ≥ 0');
  return value;
}

function keyOf(value: unknown, field: string): string {
  if (typeof value !== 'string' || value.length < 1 || value.length > 255) invalid(field, 'must be a string of 1 to 255 characters');
  return value;
}

function comparison(op: unknown, value: unknown, where: string): { op: Comparison; value: ThresholdValue } {
  if (typeof op !== 'string' || !(COMPARISONS as readonly string[]).includes(op)) invalid(`${where}.op`, `must be one of ${COMPARISONS.join(' ')}`);
  const equality = op === '==' || op === '!=';
  if (typeof value === 'number' && Number.isFinite(value)) return { op: op as Comparison, value };
  if (equality && (typeof value === 'string' || typeof value === 'boolean')) {
    if (typeof value === 'string' && value.length > 4096) invalid(`${where}.value`, 'must be at most 4096 characters');
    return { op: op as Comparison, value };
  }
  invalid(`${where}.value`, equality ? 'must be a number, a string or a boolean' : 'must be a number');
}

export function parseCondition(raw: unknown): RuleCondition {
  if (!isObject(raw)) invalid('condition', 'must be an object with a kind');
  switch (raw.kind) {
    case 'threshold': {
      refuseUnknown(raw, ['kind', 'key', 'op', 'value', 'forSeconds', 'count'], 'condition');
      const key = keyOf(raw.key, 'condition.key');
      const { op, value } = comparison(raw.op, raw.value, 'condition');
      const forSeconds = nonNegativeNumber(raw.forSeconds, 'condition.forSeconds', 0);
      const count = raw.count === undefined ? 1 : raw.count;
      if (typeof count !== 'number' || !Number.isInteger(count) || count < 1) invalid('condition.count', 'must be an integer ≥ 1');
      return { kind: 'threshold', key, op, value, forSeconds, count };
    }
    case 'inactivity': {
      refuseUnknown(raw, ['kind', 'timeoutSeconds'], 'condition');
      const timeout = raw.timeoutSeconds;
      if (typeof timeout !== 'number' || !Number.isFinite(timeout) || timeout < 1) invalid('condition.timeoutSeconds', 'must be a number ≥ 1');
      return { kind: 'inactivity', timeoutSeconds: timeout };
    }
    case 'anomaly': {
      refuseUnknown(raw, ['kind', 'key', 'zScore', 'minSamples'], 'condition');
      const key = keyOf(raw.key, 'condition.key');
      const zScore = raw.zScore === undefined ? DEFAULT_Z_SCORE : raw.zScore;
      if (typeof zScore !== 'number' || !Number.isFinite(zScore) || zScore <= 0) invalid('condition.zScore', 'must be a number > 0');
      const minSamples = raw.minSamples === undefined ? DEFAULT_MIN_SAMPLES : raw.minSamples;
      if (typeof minSamples !== 'number' || !Number.isInteger(minSamples) || minSamples < MIN_MIN_SAMPLES) {
        invalid('condition.minSamples', `must be an integer ≥ ${MIN_MIN_SAMPLES}`);
      }
      return { kind: 'anomaly', key, zScore, minSamples };
    }
    default:
      invalid('condition.kind', 'must be threshold, inactivity or anomaly');
  }
}

export function parseClear(raw: unknown, condition: RuleCondition): ClearCondition | null {
  if (raw === undefined || raw === null) return null;
  if (condition.kind !== 'threshold') invalid('clear', 'applies to threshold rules only');
  if (!isObject(raw)) invalid('clear', 'must be an object with op and value, or null');
  refuseUnknown(raw, ['op', 'value', 'forSeconds'], 'clear');
  const { op, value } = comparison(raw.op, raw.value, 'clear');
  return { op, value, forSeconds: nonNegativeNumber(raw.forSeconds, 'clear.forSeconds', 0) };
}

function booleanOr(value: unknown, field: string, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') invalid(field, 'must be a boolean');
  return value;
}

/**
 * A complete rule from a creation body, or from an existing rule with a PATCH applied over it (`base`): the same
 * checks either way, and every default filled in. The ticket priority follows the severity unless it was set.
 */
export function resolveRule(input: RuleInput, base?: RuleFields & { ticketPriorityWasDefault: boolean }): RuleFields {
  const name = input.name === undefined ? base?.name : input.name;
  if (typeof name !== 'string' || name.trim().length < 1 || name.length > 255) invalid('name', 'must be a string of 1 to 255 characters');

  const deviceType = input.deviceType === undefined ? (base?.deviceType ?? null) : input.deviceType;
  if (deviceType !== null && (typeof deviceType !== 'string' || deviceType.length < 1 || deviceType.length > 255)) {
    invalid('deviceType', 'must be a string of 1 to 255 characters, or null');
  }

  const severity = input.severity === undefined ? (base?.severity ?? 'major') : input.severity;
  if (typeof severity !== 'string' || !(SEVERITIES as readonly string[]).includes(severity)) invalid('severity', `must be one of ${SEVERITIES.join(', ')}`);

  if (input.condition === undefined && !base) invalid('condition', 'is required');
  const condition = input.condition === undefined ? base!.condition : parseCondition(input.condition);
  // A new condition of another kind drops the old clear unless a new one is given.
  const clearInput = input.clear !== undefined ? input.clear : base && condition.kind === 'threshold' && base.condition.kind === 'threshold' ? base.clear : null;
  const clear = parseClear(clearInput, condition);

  let ticketPriority: TicketPriority;
  if (input.ticketPriority !== undefined) {
    if (typeof input.ticketPriority !== 'string' || !(TICKET_PRIORITIES as readonly string[]).includes(input.ticketPriority)) {
      invalid('ticketPriority', `must be one of ${TICKET_PRIORITIES.join(', ')}`);
    }
    ticketPriority = input.ticketPriority as TicketPriority;
  } else if (base && !base.ticketPriorityWasDefault) ticketPriority = base.ticketPriority;
  else ticketPriority = defaultPriority(severity as Severity);

  return {
    name,
    deviceType: deviceType as string | null,
    severity: severity as Severity,
    condition,
    clear,
    createTicket: booleanOr(input.createTicket, 'createTicket', base?.createTicket ?? true),
    ticketPriority,
    notifyOwners: booleanOr(input.notifyOwners, 'notifyOwners', base?.notifyOwners ?? false),
    enabled: booleanOr(input.enabled, 'enabled', base?.enabled ?? true),
  };
}

/** The key a rule reads, or null for inactivity (which any reading of the device resets). */
export function ruleKey(condition: RuleCondition): string | null {
  return condition.kind === 'inactivity' ? null : condition.key;
}
