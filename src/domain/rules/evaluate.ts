// Where accepted readings meet the rules. Ingest calls this inside the transaction that stores the readings, so a
// reading and the rule state (and any alert) it causes commit together.
import type { Db } from '../../db/connect.js';
import type { DialectSpec } from '../../db/dialect.js';
import { clearAlertIn, openAlertIn, repeatAlertIn } from '../alerts/lifecycle.js';
import type { DomainContext } from '../context.js';
import type { Reading } from '../telemetry/model.js';
import { dueAt, onReading, stateFor, type Action, type RuleState } from './machine.js';
import type { Rule } from './model.js';
import { enabledRulesForTypes } from './repository.js';
import { lockStates, pairKey, saveStates, type StatePair, type StateWrite } from './states.js';

export interface DeviceReadings {
  device: { id: string; identifier: string; type: string | null };
  /**
   * The readings of one request that are newer than the device's previous latest reading of their key, oldest
   * first (all keys together). Late readings are not here: history never opens an alert.
   */
  readings: readonly Reading[];
}

/** Judges each device's newer readings against the enabled rules of its type, reading by reading. */
export async function evaluateReadings(trx: Db, ctx: DomainContext, organizationId: string, devices: readonly DeviceReadings[]): Promise<void> {
  const batch = devices.filter((d) => d.readings.length > 0);
  if (batch.length === 0) return;
  const rules = await enabledRulesForTypes(trx, organizationId, batch.map((d) => d.device.type));
  if (rules.length === 0) return;

  const work: Array<{ rule: Rule; device: DeviceReadings }> = [];
  for (const device of batch) {
    const keys = new Set(device.readings.map((r) => r.key));
    for (const rule of rules) {
      if (rule.deviceType !== null && rule.deviceType !== device.device.type) continue;
      if (rule.condition.kind !== 'inactivity' && !keys.has(rule.condition.key)) continue;
      work.push({ rule, device });
    }
  }
  if (work.length === 0) return;

  const now = ctx.clock.now();
  const nowIso = now.toISOString();
  const pairs: StatePair[] = work.map((w) => ({ ruleId: w.rule.id, deviceId: w.device.device.id }));
  const stored = await lockStates(trx, ctx.database.dialect, organizationId, pairs, nowIso);
  const open = await openAlertsOf(trx, organizationId, [...new Set(pairs.map((p) => p.deviceId))]);

  const writes: StateWrite[] = [];
  const parsed = new Map<string, RuleState>();
  for (const { rule, device } of work) {
    const key = pairKey(rule.id, device.device.id);
    const before = stored.get(key);
    const initial = parsedState(parsed, rule, before?.state ?? null);
    let state = initial;
    let alertId = open.get(key);
    let repeats = 0;
    for (const reading of sortedByTime(device.readings)) {
      const step = onReading(rule, state, reading, now.getTime(), alertId !== undefined);
      state = step.state;
      if (step.action?.type === 'repeat') repeats += 1;
      else if (step.action) {
        if (repeats > 0 && alertId) await repeatAlertIn(trx, alertId, repeats, nowIso);
        repeats = 0;
        alertId = await act(trx, ctx.database.dialect, { organizationId, rule, device: device.device, now }, step.action, alertId);
      }
    }
    if (repeats > 0 && alertId) await repeatAlertIn(trx, alertId, repeats, nowIso);
    const due = dueAt(rule, state, alertId !== undefined);
    // The machine hands back the very state it was given when a reading changes nothing, so most rows of rules
    // that do not fire are left alone without serializing them to find that out.
    if (state === initial && before?.state && due === before.dueAt) continue;
    const text = JSON.stringify(state);
    if (text === before?.state && due === before.dueAt) continue;
    if (before && onlyMovesSilenceAhead(rule, initial, state)) continue;
    writes.push({ ruleId: rule.id, deviceId: device.device.id, state: text, dueAt: due });
  }
  await saveStates(trx, ctx.database.dialect, organizationId, writes, nowIso);
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

/**
 * An inactivity state whose only change is a slightly later last report is not written on every reading: the sweep
 * finds it due a little early, reads the device's last_seen_at (which ingest keeps) and pushes the deadline on. That
 * spares a write per reading for the price of an occasional early look.
 */
function onlyMovesSilenceAhead(rule: Rule, before: RuleState, after: RuleState): boolean {
  if (rule.condition.kind !== 'inactivity' || before.kind !== 'inactivity' || after.kind !== 'inactivity') return false;
  if (before.fired || after.fired || before.seenAt === null || after.seenAt === null) return false;
  const slack = Math.min(60_000, rule.condition.timeoutSeconds * 100);
  return after.seenAt - before.seenAt < slack;
}

function sortedByTime(readings: readonly Reading[]): readonly Reading[] {
  for (let i = 1; i < readings.length; i++) if (readings[i - 1]!.ts > readings[i]!.ts) return [...readings].sort((a, b) => a.ts - b.ts);
  return readings;
}

async function openAlertsOf(trx: Db, organizationId: string, deviceIds: readonly string[]): Promise<Map<string, string>> {
  const open = new Map<string, string>();
  for (let i = 0; i < deviceIds.length; i += 1000) {
    const rows = await trx
      .selectFrom('alerts')
      .select(['id', 'rule_id', 'device_id'])
      .where('organization_id', '=', organizationId)
      .where('status', '=', 'open')
      .where('device_id', 'in', deviceIds.slice(i, i + 1000))
      .execute();
    for (const row of rows) open.set(pairKey(row.rule_id, row.device_id), row.id);
  }
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
