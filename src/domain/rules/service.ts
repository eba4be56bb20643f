// Managing rules. Disabling or deleting a rule clears its open alerts (with their events and ticket messages) in
// the same transaction; editing one starts its per-device state over. An inactivity rule starts watching every
// device that has reported before at once, from the device's last report.
import { isoNow } from '../../clock.js';
import type { Db } from '../../db/connect.js';
import type { DialectSpec } from '../../db/dialect.js';
import { inTransaction } from '../../db/transaction.js';
import { clearAlertIn } from '../alerts/lifecycle.js';
import type { DomainContext } from '../context.js';
import { DomainError } from '../errors.js';
import { newId } from '../ids.js';
import { dueAt } from './machine.js';
import { defaultPriority, resolveRule, type Rule, type RuleInput } from './model.js';
import { findRule, insertRule, rowFields } from './repository.js';
import { saveStates } from './states.js';

export interface RuleOptions {
  /** Outgoing mail is configured, so `notifyOwners` can be honoured. */
  mailConfigured: boolean;
}

function checkMail(rule: { notifyOwners: boolean }, options: RuleOptions): void {
  if (rule.notifyOwners && !options.mailConfigured) {
    throw new DomainError({
      code: 'invalid_input',
      field: 'notifyOwners',
      reason: 'needs outgoing mail: set TELEMAP_SMTP_URL and TELEMAP_MAIL_FROM on the server',
    });
  }
}

export async function createRule(ctx: DomainContext, organizationId: string, input: RuleInput, options: RuleOptions): Promise<Rule> {
  const fields = resolveRule(input);
  checkMail(fields, options);
  const now = isoNow(ctx.clock);
  const rule: Rule = { id: newId(), organizationId, ...fields, createdAt: now, updatedAt: now };
  await inTransaction(ctx.database, async (trx) => {
    await insertRule(trx, rule);
    if (rule.enabled) await watchReportedDevices(trx, ctx.database.dialect, rule, now);
  });
  return rule;
}

export async function updateRule(ctx: DomainContext, organizationId: string, ruleId: string, input: RuleInput, options: RuleOptions): Promise<Rule> {
  const now = isoNow(ctx.clock);
  return inTransaction(ctx.database, async (trx) => {
    const current = await lockRule(trx, ctx.database.dialect, organizationId, ruleId);
    const fields = resolveRule(input, { ...current, ticketPriorityWasDefault: current.ticketPriority === defaultPriority(current.severity) });
    if (input.notifyOwners !== undefined) checkMail(fields, options);
    const rule: Rule = { ...current, ...fields, updatedAt: now };
    await trx.updateTable('rules').set({ ...rowFields(rule), updated_at: now }).where('id', '=', ruleId).execute();
    const conditionChanged = JSON.stringify([current.condition, current.clear, current.deviceType]) !== JSON.stringify([rule.condition, rule.clear, rule.deviceType]);
    if (!rule.enabled && current.enabled) await clearOpenAlerts(trx, ctx.database.dialect, rule, now, 'its rule was disabled');
    if (conditionChanged || rule.enabled !== current.enabled) {
      await trx.deleteFrom('rule_states').where('rule_id', '=', ruleId).execute();
      if (rule.enabled) await watchReportedDevices(trx, ctx.database.dialect, rule, now);
    }
    return rule;
  });
}

export async function deleteRule(ctx: DomainContext, organizationId: string, ruleId: string): Promise<Rule> {
  const now = isoNow(ctx.clock);
  return inTransaction(ctx.database, async (trx) => {
    const rule = await lockRule(trx, ctx.database.dialect, organizationId, ruleId);
    await clearOpenAlerts(trx, ctx.database.dialect, rule, now, 'its rule was deleted');
    await trx.deleteFrom('rule_states').where('rule_id', '=', ruleId).execute();
    await trx.deleteFrom('rules').where('id', '=', ruleId).execute();
    return rule;
  });
}

export async function getRule(ctx: DomainContext, organizationId: string, ruleId: string): Promise<Rule> {
  const rule = await findRule(ctx.database.db, organizationId, ruleId);
  if (!rule) throw new DomainError({ code: 'rule_not_found' });
  return rule;
}

async function lockRule(trx: Db, dialect: DialectSpec, organizationId: string, ruleId: string): Promise<Rule> {
  await dialect.forUpdate(trx.selectFrom('rules').select('id').where('organization_id', '=', organizationId).where('id', '=', ruleId)).executeTakeFirst();
  const rule = await findRule(trx, organizationId, ruleId);
  if (!rule) throw new DomainError({ code: 'rule_not_found' });
  return rule;
}

async function clearOpenAlerts(trx: Db, dialect: DialectSpec, rule: Rule, now: string, why: string): Promise<void> {
  const open = await trx
    .selectFrom('alerts')
    .select('id')
    .where('organization_id', '=', rule.organizationId)
    .where('rule_id', '=', rule.id)
    .where('status', '=', 'open')
    .execute();
  for (const alert of open) await clearAlertIn(trx, dialect, rule.organizationId, alert.id, now, why);
}

/** An inactivity rule's clock starts at each device's last report, for the devices that have reported. */
async function watchReportedDevices(trx: Db, dialect: DialectSpec, rule: Rule, now: string): Promise<void> {
  if (rule.condition.kind !== 'inactivity') return;
  let query = trx.selectFrom('devices').select(['id', 'last_seen_at']).where('organization_id', '=', rule.organizationId).where('last_seen_at', 'is not', null);
  if (rule.deviceType !== null) query = query.where('type', '=', rule.deviceType);
  const devices = await query.execute();
  await saveStates(
    trx,
    dialect,
    rule.organizationId,
    devices.map((d) => {
      const state = { kind: 'inactivity' as const, seenAt: Date.parse(d.last_seen_at!), fired: false };
      return { ruleId: rule.id, deviceId: d.id, state: JSON.stringify(state), dueAt: dueAt(rule, state, false) };
    }),
    now,
  );
}
