// Where accepted readings meet the rules. Ingest calls this inside the transaction that stores the readings, so a
// reading and the rule state (and any alert) it causes commit together.
import { CompiledQuery } from 'kysely';
import type { Db } from '../../db/connect.js';
import type { DialectSpec } from '../../db/dialect.js';
import { clearAlertIn, openAlertIn, repeatAlertIn } from '../alerts/lifecycle.js';
import type { DomainContext } from '../context.js';
import type { Reading } from '../telemetry/model.js';
import { dueAt, isFreshThreshold, memoryOf, onReading, reportedState, stateFor, type Action, type Memory, type RuleState } from './machine.js';
import type { Rule } from './model.js';
import { enabledRulesForTypes } from './repository.js';
import { deleteStates, pairKey, readStates, saveStates, unscheduled, type StatePair, type StateWrite } from './states.js';

export interface DeviceReadings {
  device: { id: string; identifier: string; type: string | null };
  /**
   * The readings of one request that are newer than the device's previous latest reading of their key, oldest
   * first (all keys together). Late readings are not here: history never opens an alert.
   */
  readings: readonly Reading[];
}

interface Work {
  rule: Rule;
  memory: Memory;
  device: DeviceReadings;
}

/**
 * Judges each device's newer readings against the enabled rules of its type, reading by reading. The statements are
 * per request, not per reading or rule: one per inactivity rule finds the states the sweep would not see (machine.ts
 * `memoryOf`), one reads the states of the rules that remember, one the open alerts, one deletes the states gone back
 * to fresh, one rewrites the rows read and one inserts the others (with the inactivity states found), each only when
 * it has something to do.
 */
export async function evaluateReadings(trx: Db, ctx: DomainContext, organizationId: string, devices: readonly DeviceReadings[]): Promise<void> {
  const batch = devices.filter((d) => d.readings.length > 0);
  if (batch.length === 0) return;
  const rules = await enabledRulesForTypes(trx, organizationId, batch.map((d) => d.device.type));
  if (rules.length === 0) return;

  const dialect = ctx.database.dialect;
  const now = ctx.clock.now();
  const nowMs = now.getTime();
  const nowIso = now.toISOString();
  const plan = planOf(rules, batch, nowMs);
  if (plan.work.length === 0) return;

  // The devices are locked (telemetry/storage.ts): nothing else judges them until this transaction ends (states.ts).
  const writes: StateWrite[] = [];
  for (const [ruleId, ofRule] of plan.silences) {
    for (const i of await unscheduled(trx, dialect, ruleId, ofRule.map((w) => w.deviceId))) writes.push(ofRule[i]!);
  }
  const stored = await readStates(trx, dialect, organizationId, [...plan.rememberingRules], [...plan.rememberingDevices]);
  const open = await openAlertsOf(trx, dialect, organizationId, [...new Set(plan.work.map((w) => w.device.device.id))]);

  const updates: StateWrite[] = [];
  const deletes: StatePair[] = [];
  const parsed = new Map<string, RuleState>();
  for (const { rule, memory, device } of plan.work) {
    const key = pairKey(rule.id, device.device.id);
    let alertId = open.get(key);
    // Its state is planned above without reading it; a reading matters here only to an open alert (which it clears).
    if (memory === 'silence' && alertId === undefined) continue;
    const before = memory === 'while-held' || memory === 'always' ? stored.get(key) : undefined;
    const initial = parsedState(parsed, rule, before?.state ?? null);
    let state = initial;
    let repeats = 0;
    for (const reading of sortedByTime(device.readings)) {
      const step = onReading(rule, state, reading, nowMs, alertId !== undefined);
      state = step.state;
      if (step.action?.type === 'repeat') repeats += 1;
      else if (step.action) {
        if (repeats > 0 && alertId) await repeatAlertIn(trx, alertId, repeats, nowIso);
        repeats = 0;
        alertId = await act(trx, dialect, { organizationId, rule, device: device.device, now }, step.action, alertId);
      }
    }
    if (repeats > 0 && alertId) await repeatAlertIn(trx, alertId, repeats, nowIso);
    if (memory === 'none' || memory === 'silence') continue;
    if (state.kind === 'threshold' && isFreshThreshold(state)) {
      // A fresh threshold state is no row.
      if (before && (state !== initial || before.dueAt !== null)) deletes.push({ ruleId: rule.id, deviceId: device.device.id });
      continue;
    }
    const due = dueAt(rule, state, alertId !== undefined);
    // The machine hands back the very state it was given when a reading changes nothing, so such rows are left
    // alone without serializing them to find that out.
    if (state === initial && before?.state && due === before.dueAt) continue;
    const text = JSON.stringify(state);
    if (text === before?.state && due === before.dueAt) continue;
    (before ? updates : writes).push({ ruleId: rule.id, deviceId: device.device.id, state: text, dueAt: due });
  }
  await deleteStates(trx, dialect, organizationId, deletes);
  // The rows read above, rewritten in the form fastest on each database (db/*/bulk-writes.ts).
  await ctx.database.bulk.updateRuleStates(trx, organizationId, updates, nowIso);
  await saveStates(trx, dialect, organizationId, writes, nowIso);
}

interface Plan {
  /** The (rule, device) pairs to judge: the rules of the device's type that read a key it sent, and inactivity. */
  work: Work[];
  /** Per inactivity rule, the state each of its devices has after this report. */
  silences: Map<string, StateWrite[]>;
  /** The rules and devices whose state rows are read. */
  rememberingRules: Set<string>;
  rememberingDevices: Set<string>;
}

function planOf(rules: readonly Rule[], batch: readonly DeviceReadings[], nowMs: number): Plan {
  const plan: Plan = { work: [], silences: new Map(), rememberingRules: new Set(), rememberingDevices: new Set() };
  const memories = new Map(rules.map((rule) => [rule.id, memoryOf(rule)]));
  const reported = JSON.stringify(reportedState(nowMs));
  for (const device of batch) {
    let keys: Set<string> | undefined;
    for (const rule of rules) {
      if (rule.deviceType !== null && rule.deviceType !== device.device.type) continue;
      const memory = memories.get(rule.id)!;
      if (rule.condition.kind === 'inactivity') {
        let ofRule = plan.silences.get(rule.id);
        if (!ofRule) plan.silences.set(rule.id, (ofRule = []));
        ofRule.push({ ruleId: rule.id, deviceId: device.device.id, state: reported, dueAt: nowMs + rule.condition.timeoutSeconds * 1000 });
      } else {
        keys ??= new Set(device.readings.map((r) => r.key));
        if (!keys.has(rule.condition.key)) continue;
        if (memory !== 'none') {
          plan.rememberingRules.add(rule.id);
          plan.rememberingDevices.add(device.device.id);
        }
      }
      plan.work.push({ rule, memory, device });
    }
  }
  return plan;
}

/**
 * The stored state, parsed once per distinct text: the rows of rules that do not fire mostly hold the same few
 * texts. The machine never changes a state in place, so one parsed state can stand for many rows.
 */
function parsedState(cache: Map<string, RuleState>, rule: Rule, text: string | null): RuleState {
  if (text === null) return stateFor(rule, null);
  const hit = cache.get(text);
  if (hit?.kind === rule.condition.kind) return hit;
  const state = stateFor(rule, text);
  cache.set(text, state);
  return state;
}

function sortedByTime(readings: readonly Reading[]): readonly Reading[] {
  for (let i = 1; i < readings.length; i++) if (readings[i - 1]!.ts > readings[i]!.ts) return [...readings].sort((a, b) => a.ts - b.ts);
  return readings;
}

/** The open alerts of these devices, by pairKey. */
async function openAlertsOf(trx: Db, dialect: DialectSpec, organizationId: string, deviceIds: readonly string[]): Promise<Map<string, string>> {
  const query =
    dialect.name === 'postgres'
      ? CompiledQuery.raw(
          `select id, rule_id, device_id from alerts where organization_id = $1 and status = 'open' and device_id = any($2::text[])`,
          [organizationId, deviceIds],
        )
      : CompiledQuery.raw(
          `select id, rule_id, device_id from alerts where organization_id = ? and status = 'open' and device_id in (select value from json_each(?))`,
          [organizationId, JSON.stringify(deviceIds)],
        );
  const { rows } = await trx.executeQuery<{ id: string; rule_id: string; device_id: string }>(query);
  const open = new Map<string, string>();
  for (const row of rows) open.set(pairKey(row.rule_id, row.device_id), row.id);
  return open;
}

export interface ActContext {
  organizationId: string;
  rule: Rule;
  device: { id: string; identifier: string; type: string | null };
  now: Date;
}

/** Carries out an opening or a clearing; returns the id of the alert open afterwards, if any. */
export async function act(trx: Db, dialect: DialectSpec, context: ActContext, action: NonNullable<Action>, alertId: string | undefined): Promise<string | undefined> {
  const now = context.now.toISOString();
  switch (action.type) {
    case 'open':
      return (await openAlertIn(trx, { ...context, reading: action.reading, comparison: action.comparison })).alertId;
    case 'repeat':
      if (alertId) await repeatAlertIn(trx, alertId, 1, now);
      return alertId;
    case 'clear':
      if (alertId) await clearAlertIn(trx, dialect, context.organizationId, alertId, now, action.why);
      return undefined;
  }
}
