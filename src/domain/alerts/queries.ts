// Reading alerts: the filtered, newest-first list and the one alert.
import { sql } from 'kysely';
import type { Db } from '../../db/connect.js';
import { before, decodeCursor, toPage, type Page } from '../dashboard/cursor.js';
import { DomainError } from '../errors.js';
import { alertQuery, alertView, type AlertView } from './view.js';

export interface AlertFilters {
  status?: 'open' | 'cleared' | undefined;
  deviceId?: string | undefined;
  /** Alerts of the devices this customer owns now, whenever they opened. */
  customerId?: string | undefined;
  severity?: string | undefined;
  ruleId?: string | undefined;
  limit: number;
  cursor?: string | undefined;
}

export async function listAlerts(db: Db, organizationId: string, filters: AlertFilters): Promise<Page<AlertView>> {
  let query = alertQuery(db, organizationId);
  if (filters.status) query = query.where('alerts.status', '=', filters.status);
  if (filters.deviceId) query = query.where('alerts.device_id', '=', filters.deviceId);
  if (filters.severity) query = query.where('alerts.severity', '=', filters.severity);
  if (filters.ruleId) query = query.where('alerts.rule_id', '=', filters.ruleId);
  if (filters.customerId) {
    // Current ownership from the assignment table, so a device handed to a new owner brings its alerts along.
    const customerId = filters.customerId;
    query = query.where(({ exists, selectFrom }) =>
      exists(
        selectFrom('assignments')
          .select(sql<number>`1`.as('one'))
          .where('assignments.organization_id', '=', organizationId)
          .whereRef('assignments.device_id', '=', 'alerts.device_id')
          .where('assignments.customer_id', '=', customerId)
          .where('assignments.unassigned_at', 'is', null),
      ),
    );
  }
  if (filters.cursor) {
    const cursor = decodeCursor(filters.cursor);
    if (!cursor) throw new DomainError({ code: 'invalid_input', field: 'cursor', reason: 'is not a cursor this server produced' });
    query = query.where(before('alerts.opened_at', 'alerts.id', cursor));
  }
  const rows = await query.orderBy('alerts.opened_at', 'desc').orderBy('alerts.id', 'desc').limit(filters.limit + 1).execute();
  return toPage(rows, filters.limit, (r) => r.opened_at, alertView);
}
