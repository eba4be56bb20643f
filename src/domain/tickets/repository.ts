import type { Insertable } from 'kysely';
import type { Db } from '../../db/connect.js';
import { prepared } from '../../db/prepared.js';
import type { TicketMessagesTable, TicketsTable } from '../../db/schema.js';

// Prepared (db/prepared.ts): building and compiling this insert anew was a large share of a ticket's instructions
// (docs/performance/experiments.md). Its columns are listed once more in `insertTicket`, where each is typed, rather than
// mapped from a list, which would need a cast.
const insertTicketRow = prepared(
  (
    db: Db,
    id: string,
    organizationId: string,
    customerId: string,
    deviceId: string | null,
    categoryId: string | null,
    title: string,
    description: string,
    priority: string,
    status: string,
    channel: string,
    createdAt: string,
    updatedAt: string,
    alertId: string | null,
  ) =>
    db.insertInto('tickets').values({
      id,
      organization_id: organizationId,
      customer_id: customerId,
      device_id: deviceId,
      category_id: categoryId,
      title,
      description,
      priority,
      status,
      channel,
      created_at: createdAt,
      updated_at: updatedAt,
      alert_id: alertId,
    }),
);

/** Every column given, the nullable ones as null when absent. */
export async function insertTicket(db: Db, row: Omit<TicketsTable, 'assignee_user_id'>): Promise<void> {
  await insertTicketRow(
    db,
    row.id,
    row.organization_id,
    row.customer_id,
    row.device_id,
    row.category_id,
    row.title,
    row.description,
    row.priority,
    row.status,
    row.channel,
    row.created_at,
    row.updated_at,
    row.alert_id,
  );
}

export async function insertTicketMessages(db: Db, rows: Insertable<TicketMessagesTable>[]): Promise<void> {
  if (rows.length === 0) return;
  // Bounded batches: SQLite limits bound parameters per statement (7 columns × 100 rows stays far below it).
  for (let i = 0; i < rows.length; i += 100) {
    await db.insertInto('ticket_messages').values(rows.slice(i, i + 100)).execute();
  }
}

/**
 * The id of the organization's device with exactly this identifier. Kept here rather than in domain/devices so
 * that ticket creation stands on its own; it only reads the devices table.
 */
export async function findDeviceIdByIdentifier(db: Db, organizationId: string, identifier: string): Promise<string | undefined> {
  const row = await db
    .selectFrom('devices')
    .select('id')
    .where('organization_id', '=', organizationId)
    .where('identifier', '=', identifier)
    .executeTakeFirst();
  return row?.id;
}
