// Ticket events carry the ticket with its conversation as it stands in the announcing transaction.
import type { Db } from '../../db/connect.js';
import { getTicket, ticketMessages } from '../dashboard/queries.js';
import { recordEvent, type EventType } from './events.js';

export type TicketEventType = Extract<EventType, `ticket.${string}`>;

export async function recordTicketEvent(
  db: Db,
  organizationId: string,
  type: TicketEventType,
  ticketId: string,
  createdAt: string,
  extra: Record<string, unknown> = {},
): Promise<string> {
  const ticket = await getTicket(db, organizationId, ticketId);
  if (!ticket) throw new Error(`ticket event for a ticket that is not there: ${ticketId}`);
  const messages = await ticketMessages(db, organizationId, ticketId);
  return recordEvent(db, { organizationId, type, data: { ...ticket, messages, ...extra }, createdAt });
}
