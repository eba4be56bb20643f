// The vocabulary of tickets, defined once: creation, the workflow, the read models and the API schemas use it.

export const TICKET_PRIORITIES = ['low', 'medium', 'high', 'urgent'] as const;
export type TicketPriority = (typeof TICKET_PRIORITIES)[number];
export const DEFAULT_PRIORITY: TicketPriority = 'medium';

export const MESSAGE_ROLES = ['customer', 'agent', 'bot'] as const;
export type MessageRole = (typeof MESSAGE_ROLES)[number];

export const TICKET_STATUSES = ['open', 'in_progress', 'waiting_for_customer', 'resolved'] as const;
export type TicketStatus = (typeof TICKET_STATUSES)[number];

/** Status of every new ticket. */
export const INITIAL_STATUS: TicketStatus = 'open';

/**
 * Where a ticket came from: ext-v1 createTicket records `api`; a rule's alert opens an `alert` ticket; an agent
 * opening one by hand, `dashboard`.
 */
export type TicketChannel = 'api' | 'alert' | 'dashboard';

export const MAX_TITLE_LENGTH = 255;

export interface TicketMessageInput {
  role: MessageRole;
  content: string;
}

export function isTicketPriority(value: unknown): value is TicketPriority {
  return typeof value === 'string' && (TICKET_PRIORITIES as readonly string[]).includes(value);
}

export function isTicketStatus(value: unknown): value is TicketStatus {
  return typeof value === 'string' && (TICKET_STATUSES as readonly string[]).includes(value);
}

export function isMessageRole(value: unknown): value is MessageRole {
  return typeof value === 'string' && (MESSAGE_ROLES as readonly string[]).includes(value);
}

/** Length in characters (Unicode code points), as people and PostgreSQL count them, not UTF-16 units. */
export function characterLength(text: string): number {
  let length = 0;
  for (const _ of text) length += 1;
  return length;
}
