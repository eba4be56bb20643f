// An alert as /api/v1, the events and the pages present it: one shape everywhere (§4 of the contract).
import type { Db } from '../../db/connect.js';
import type { Reading } from '../telemetry/model.js';

export interface AlertOwner {
  customerId: string;
  email: string;
  name: string;
}

export interface Diagnosis {
  summary: string;
  details: string;
  source: 'rules' | 'llm';
}

export interface AlertView {
  id: string;
  ruleId: string;
  ruleName: string;
  kind: string;
  deviceId: string;
  deviceIdentifier: string;
  deviceType: string | null;
  severity: string;
  status: 'open' | 'cleared';
  openedAt: string;
  lastTriggeredAt: string;
  triggerCount: number;
  acknowledgedAt: string | null;
  clearedAt: string | null;
  reading: Reading | null;
  owners: AlertOwner[];
  ticketId: string | null;
  diagnosis: Diagnosis;
}

export function alertQuery(db: Db, organizationId: string) {
  return db
    .selectFrom('alerts')
    .innerJoin('devices', 'devices.id', 'alerts.device_id')
    .select([
      'alerts.id',
      'alerts.rule_id',
      'alerts.rule_name',
      'alerts.kind',
      'alerts.device_id',
      'devices.identifier as device_identifier',
      'devices.type as device_type',
      'alerts.severity',
      'alerts.status',
      'alerts.opened_at',
      'alerts.last_triggered_at',
      'alerts.trigger_count',
      'alerts.acknowledged_at',
      'alerts.cleared_at',
      'alerts.reading',
      'alerts.owners',
      'alerts.ticket_id',
      'alerts.diagnosis',
    ])
    .where('alerts.organization_id', '=', organizationId);
}

export type AlertRow = Awaited<ReturnType<ReturnType<typeof alertQuery>['execute']>>[number];

export function alertView(row: AlertRow): AlertView {
  return {
    id: row.id,
    ruleId: row.rule_id,
    ruleName: row.rule_name,
    kind: row.kind,
    deviceId: row.device_id,
    deviceIdentifier: row.device_identifier,
    deviceType: row.device_type,
    severity: row.severity,
    status: row.status,
    openedAt: row.opened_at,
    lastTriggeredAt: row.last_triggered_at,
    triggerCount: Number(row.trigger_count),
    acknowledgedAt: row.acknowledged_at,
    clearedAt: row.cleared_at,
    reading: row.reading === null ? null : (JSON.parse(row.reading) as Reading),
    owners: JSON.parse(row.owners) as AlertOwner[],
    ticketId: row.ticket_id,
    diagnosis: JSON.parse(row.diagnosis) as Diagnosis,
  };
}

export async function getAlert(db: Db, organizationId: string, alertId: string): Promise<AlertView | undefined> {
  const row = await alertQuery(db, organizationId).where('alerts.id', '=', alertId).executeTakeFirst();
  return row && alertView(row);
}
