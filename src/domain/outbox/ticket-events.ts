// Ticket events carry the ticket with its conversation as it stands in the announcing transaction.
import type { Db } from '../../db/connect.js';
import { getTicket, ticketMessages, type TicketMessageView, type TicketView } from '../dashboard/queries.js';
import { recordEvent, type EventType } from './events.js';

export type TicketEventType = Extract<EventType, `ticket.${string}`>;

export interface TicketEventOptions {
  /** Members added to the ticket in `data` (the previous status, the new message's id). */
  extra?: Record<string, unknown>;
  /** The ticket, when the caller has just written all of it (a new ticket): spares reading it back. */
  ticket?: TicketView;
  /**
   * The conversation, when the caller has just written all of it (a new ticket): spares reading it back. Customer
   * facing, so never an internal note.
   */
  messages?: readonly TicketMessageView[];
}

export async function recordTicketEvent(
  db: Db,
  organizationId: string,
  type: TicketEventType,
  ticketId: string,
  createdAt: string,
  options: TicketEventOptions = {},
): Promise<string> {
  const ticket = options.ticket ?? (await getTicket(db, organizationId, ticketId));
  if (!ticket) throw new Error(`ticket event for a ticket that is not there: ${ticketId}`);
  const messages = options.messages ?? (await ticketMessages(db, organizationId, ticketId));
  return recordEvent(db, { organizationId, type, data: { ...ticket, messages, ...options.extra }, createdAt });
}
