import type { Insertable } from 'kysely';
import type { Db } from '../../db/connect.js';
import type { TicketMessagesTable, TicketsTable } from '../../db/schema.js';

export async function insertTicket(db: Db, row: Insertable<TicketsTable>): Promise<void> {
  await db.insertInto('tickets').values(row).execute();
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
