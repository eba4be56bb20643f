// What a ticket shows of the alert it was opened for.
import type { Db } from '../../db/connect.js';
import type { AlertOwner } from './view.js';

export async function alertOfTicket(db: Db, organizationId: string, ticketId: string): Promise<{ alertId: string | null; owners: AlertOwner[] }> {
  const row = await db
    .selectFrom('tickets')
    .leftJoin('alerts', (join) => join.onRef('alerts.id', '=', 'tickets.alert_id').on('alerts.organization_id', '=', organizationId))
    .select(['tickets.alert_id', 'alerts.owners'])
    .where('tickets.organization_id', '=', organizationId)
    .where('tickets.id', '=', ticketId)
    .executeTakeFirst();
  if (!row?.alert_id) return { alertId: null, owners: [] };
  return { alertId: row.alert_id, owners: row.owners ? (JSON.parse(row.owners) as AlertOwner[]) : [] };
}
