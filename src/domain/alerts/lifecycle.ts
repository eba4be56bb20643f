// An alert's life: opened (with its owners, diagnosis, ticket and events, in the caller's transaction), triggered
// again, acknowledged, cleared. One open alert per (rule, device) is the partial unique index alerts_one_open; an
// opening that meets an open alert becomes a repeat trigger. INSERT … ON CONFLICT DO NOTHING is used rather than a
// caught violation, because on PostgreSQL a violation aborts the whole transaction (the readings with it).
import { sql } from 'kysely';
import { isoNow } from '../../clock.js';
import type { Db } from '../../db/connect.js';
import type { DialectSpec } from '../../db/dialect.js';
import { inTransaction } from '../../db/transaction.js';
import type { DomainContext } from '../context.js';
import { currentOwnersOf } from '../dashboard/queries.js';
import { DomainError } from '../errors.js';
import { newId } from '../ids.js';
import { recordEvent } from '../outbox/events.js';
import type { Rule } from '../rules/model.js';
import { ruleKey } from '../rules/model.js';
import type { Reading } from '../telemetry/model.js';
import { createTicketIn } from '../tickets/create.js';
import { appendMessageIn } from '../tickets/workflow.js';
import { buildDiagnosis, diagnosisMessage } from './diagnosis.js';
import { getAlert, type AlertOwner, type AlertView } from './view.js';

export interface AlertDevice {
  id: string;
  identifier: string;
  type: string | null;
}

export interface Opening {
  organizationId: string;
  rule: Rule;
  device: AlertDevice;
  /** The reading that opened it (for inactivity, the last one received), or null when there is none. */
  reading: Reading | null;
  comparison: string;
  now: Date;
}

/** Opens the alert, or counts a trigger on the one already open. Returns the open alert's id. */
export async function openAlertIn(trx: Db, opening: Opening): Promise<{ alertId: string; opened: boolean }> {
  const { organizationId, rule, device } = opening;
  const now = opening.now.toISOString();
  const owners: AlertOwner[] = (await currentOwnersOf(trx, organizationId, device.id)).map((o) => ({
    customerId: o.customerId,
    email: o.customerEmail,
    name: o.customerName,
  }));
  const diagnosis = await buildDiagnosis(trx, {
    organizationId,
    ruleId: rule.id,
    device,
    key: ruleKey(rule.condition),
    comparison: opening.comparison,
    nowMs: opening.now.getTime(),
  });
  const alertId = newId();
  const inserted = await trx
    .insertInto('alerts')
    .values({
      id: alertId,
      organization_id: organizationId,
      rule_id: rule.id,
      rule_name: rule.name,
      kind: rule.condition.kind,
      device_id: device.id,
      severity: rule.severity,
      status: 'open',
      opened_at: now,
      last_triggered_at: now,
      trigger_count: 1,
      acknowledged_at: null,
      cleared_at: null,
      reading: opening.reading === null ? null : JSON.stringify(opening.reading),
      owners: JSON.stringify(owners),
      ticket_id: null,
      diagnosis: JSON.stringify(diagnosis),
      diagnosis_rewrite_at: now,
      updated_at: now,
    })
    .onConflict((oc) => oc.columns(['rule_id', 'device_id']).where('status', '=', sql.lit('open')).doNothing())
    .returning('id')
    .executeTakeFirst();
  if (!inserted) {
    const open = await findOpenAlertId(trx, organizationId, rule.id, device.id);
    if (!open) throw new Error('alert neither inserted nor open');
    await repeatAlertIn(trx, open, 1, now);
    return { alertId: open, opened: false };
  }

  if (rule.createTicket && owners.length > 0) {
    // One ticket per alert, for the owner with the earliest current assignment; the others are on the alert.
    const ticket = await createTicketIn(
      trx,
      organizationId,
      {
        title: `${rule.name}: ${device.identifier}`,
        description: diagnosis.summary,
        priority: rule.ticketPriority,
        customer: { id: owners[0]!.customerId },
        messages: [{ role: 'bot', content: diagnosisMessage(diagnosis) }],
        deviceIdentifier: device.identifier,
        channel: 'alert',
        alertId,
      },
      now,
    );
    await trx.updateTable('alerts').set({ ticket_id: ticket.ticketId }).where('id', '=', alertId).execute();
    // createTicketIn's prepared insert (tickets/repository.ts) does not write alert_id yet: set it here.
    await trx.updateTable('tickets').set({ alert_id: alertId }).where('id', '=', ticket.ticketId).execute();
  }
  await recordAlertEvent(trx, organizationId, 'alert.opened', alertId, now);
  return { alertId, opened: true };
}

export async function findOpenAlertId(db: Db, organizationId: string, ruleId: string, deviceId: string): Promise<string | undefined> {
  const row = await db
    .selectFrom('alerts')
    .select('id')
    .where('organization_id', '=', organizationId)
    .where('rule_id', '=', ruleId)
    .where('device_id', '=', deviceId)
    .where('status', '=', 'open')
    .executeTakeFirst();
  return row?.id;
}

/** Triggers while open only count: no second ticket, no second `alert.opened`. */
export async function repeatAlertIn(trx: Db, alertId: string, times: number, now: string): Promise<void> {
  await trx
    .updateTable('alerts')
    .set((eb) => ({ trigger_count: eb('trigger_count', '+', times), last_triggered_at: now, updated_at: now }))
    .where('id', '=', alertId)
    .where('status', '=', 'open')
    .execute();
}

/** Clears an open alert (an alert already cleared is left as it is); returns whether this call cleared it. */
export async function clearAlertIn(trx: Db, dialect: DialectSpec, organizationId: string, alertId: string, now: string, why: string): Promise<boolean> {
  const cleared = await trx
    .updateTable('alerts')
    .set({ status: 'cleared', cleared_at: now, updated_at: now })
    .where('organization_id', '=', organizationId)
    .where('id', '=', alertId)
    .where('status', '=', 'open')
    .returning(['ticket_id', 'rule_name'])
    .executeTakeFirst();
  if (!cleared) return false;
  if (cleared.ticket_id !== null) {
    // The ticket's status stays with the agents; the conversation records that the problem went away.
    await appendMessageIn(
      trx,
      dialect,
      organizationId,
      cleared.ticket_id,
      { role: 'bot', content: `The alert "${cleared.rule_name}" cleared at ${now}: ${why}.` },
      now,
    );
  }
  await recordAlertEvent(trx, organizationId, 'alert.cleared', alertId, now);
  return true;
}

async function recordAlertEvent(trx: Db, organizationId: string, type: 'alert.opened' | 'alert.cleared' | 'alert.acknowledged', alertId: string, now: string) {
  const alert = await getAlert(trx, organizationId, alertId);
  if (!alert) throw new Error(`alert event for an alert that is not there: ${alertId}`);
  await recordEvent(trx, { organizationId, type, data: alert, createdAt: now });
}

/** POST …/acknowledge: the first call records when and announces it; later calls change nothing. */
export async function acknowledgeAlert(ctx: DomainContext, organizationId: string, alertId: string): Promise<AlertView> {
  const now = isoNow(ctx.clock);
  return inTransaction(ctx.database, async (trx) => {
    const updated = await trx
      .updateTable('alerts')
      .set({ acknowledged_at: now, updated_at: now })
      .where('organization_id', '=', organizationId)
      .where('id', '=', alertId)
      .where('acknowledged_at', 'is', null)
      .returning('id')
      .executeTakeFirst();
    if (updated) await recordAlertEvent(trx, organizationId, 'alert.acknowledged', alertId, now);
    const alert = await getAlert(trx, organizationId, alertId);
    if (!alert) throw new DomainError({ code: 'alert_not_found' });
    return alert;
  });
}

/** POST …/clear: by hand; an alert already cleared is answered as it is. */
export async function clearAlert(ctx: DomainContext, organizationId: string, alertId: string): Promise<AlertView> {
  const now = isoNow(ctx.clock);
  return inTransaction(ctx.database, async (trx) => {
    await clearAlertIn(trx, ctx.database.dialect, organizationId, alertId, now, 'cleared by hand');
    const alert = await getAlert(trx, organizationId, alertId);
    if (!alert) throw new DomainError({ code: 'alert_not_found' });
    return alert;
  });
}
