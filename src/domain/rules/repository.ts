// The rules table: rows in and out, JSON columns parsed. Every query filters on the organization.
import type { Db } from '../../db/connect.js';
import type { RulesTable } from '../../db/schema.js';
import { before, decodeCursor, toPage, type Page } from '../dashboard/cursor.js';
import { DomainError } from '../errors.js';
import type { TicketPriority } from '../tickets/model.js';
import type { ClearCondition, Rule, RuleCondition, RuleFields, Severity } from './model.js';

export function ruleFromRow(row: RulesTable): Rule {
  return {
    id: row.id,
    organizationId: row.organization_id,
    name: row.name,
    deviceType: row.device_type,
    severity: row.severity as Severity,
    condition: JSON.parse(row.condition) as RuleCondition,
    clear: row.clear === null ? null : (JSON.parse(row.clear) as ClearCondition),
    createTicket: row.create_ticket === 1,
    ticketPriority: row.ticket_priority as TicketPriority,
    notifyOwners: row.notify_owners === 1,
    enabled: row.enabled === 1,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export function rowFields(fields: RuleFields) {
  return {
    name: fields.name,
    device_type: fields.deviceType,
    severity: fields.severity,
    condition: JSON.stringify(fields.condition),
    clear: fields.clear === null ? null : JSON.stringify(fields.clear),
    create_ticket: fields.createTicket ? (1 as const) : (0 as const),
    ticket_priority: fields.ticketPriority,
    notify_owners: fields.notifyOwners ? (1 as const) : (0 as const),
    enabled: fields.enabled ? (1 as const) : (0 as const),
  };
}

export async function insertRule(db: Db, rule: Rule): Promise<void> {
  await db
    .insertInto('rules')
    .values({ id: rule.id, organization_id: rule.organizationId, ...rowFields(rule), created_at: rule.createdAt, updated_at: rule.updatedAt })
    .execute();
}

export async function findRule(db: Db, organizationId: string, id: string): Promise<Rule | undefined> {
  const row = await db.selectFrom('rules').selectAll().where('organization_id', '=', organizationId).where('id', '=', id).executeTakeFirst();
  return row && ruleFromRow(row);
}

/** Rules newest first, a keyset page at a time. */
export async function listRules(db: Db, organizationId: string, options: { limit: number; cursor?: string | undefined }): Promise<Page<Rule>> {
  let query = db.selectFrom('rules').selectAll().where('organization_id', '=', organizationId);
  if (options.cursor) {
    const cursor = decodeCursor(options.cursor);
    if (!cursor) throw new DomainError({ code: 'invalid_input', field: 'cursor', reason: 'is not a cursor this server produced' });
    query = query.where(before('created_at', 'id', cursor));
  }
  const rows = await query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(options.limit + 1).execute();
  return toPage(rows, options.limit, (r) => r.created_at, ruleFromRow);
}

/** The enabled rules that apply to devices of these types (a rule without a type applies to every device). */
export async function enabledRulesForTypes(db: Db, organizationId: string, types: readonly (string | null)[]): Promise<Rule[]> {
  const named = [...new Set(types.filter((t): t is string => t !== null))];
  const rows = await db
    .selectFrom('rules')
    .selectAll()
    .where('organization_id', '=', organizationId)
    .where('enabled', '=', 1)
    .where((eb) => (named.length > 0 ? eb.or([eb('device_type', 'is', null), eb('device_type', 'in', named)]) : eb('device_type', 'is', null)))
    .orderBy('id')
    .execute();
  return rows.map(ruleFromRow);
}
