// The dashboard's and /api/v1's read model of tickets: filtered pages, one ticket, its conversation.
import type { Db } from '../../db/connect.js';
import type { TicketRow } from '../../db/schema.js';
import { before, toPage, type Page } from './cursor.js';
import { cursorOrFail, type ListOptions } from './list.js';
import type { TicketPriority, TicketStatus } from '../tickets/model.js';

export interface TicketView {
  id: string;
  title: string;
  description: string;
  priority: string;
  status: string;
  channel: string;
  customerId: string;
  customerEmail: string;
  customerName: string;
  deviceId: string | null;
  deviceIdentifier: string | null;
  category: string | null;
  createdAt: string;
  updatedAt: string;
}

function ticketQuery(db: Db, organizationId: string) {
  return db
    .selectFrom('tickets')
    .innerJoin('customers', 'customers.id', 'tickets.customer_id')
    .leftJoin('devices', 'devices.id', 'tickets.device_id')
    .leftJoin('categories', 'categories.id', 'tickets.category_id')
    .selectAll('tickets')
    .select([
      'customers.email as customer_email',
      'customers.name as customer_name',
      'devices.identifier as device_identifier',
      'categories.name as category_name',
    ])
    .where('tickets.organization_id', '=', organizationId);
}

type TicketJoined = TicketRow & {
  customer_email: string;
  customer_name: string;
  device_identifier: string | null;
  category_name: string | null;
};

function ticketView(row: TicketJoined): TicketView {
  return {
    id: row.id,
    title: row.title,
    description: row.description,
    priority: row.priority,
    status: row.status,
    channel: row.channel,
    customerId: row.customer_id,
    customerEmail: row.customer_email,
    customerName: row.customer_name,
    deviceId: row.device_id,
    deviceIdentifier: row.device_identifier,
    category: row.category_name,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export interface TicketFilter {
  status?: TicketStatus | undefined;
  priority?: TicketPriority | undefined;
  customerId?: string | undefined;
  deviceId?: string | undefined;
}

/** The inbox: tickets matching the filter, newest first. */
export async function listTickets(
  db: Db,
  organizationId: string,
  options: ListOptions & TicketFilter,
): Promise<Page<TicketView>> {
  const cursor = cursorOrFail(options.cursor);
  let query = ticketQuery(db, organizationId);
  if (options.status) query = query.where('tickets.status', '=', options.status);
  if (options.priority) query = query.where('tickets.priority', '=', options.priority);
  if (options.customerId) query = query.where('tickets.customer_id', '=', options.customerId);
  if (options.deviceId) query = query.where('tickets.device_id', '=', options.deviceId);
  if (cursor) query = query.where(before('tickets.created_at', 'tickets.id', cursor));
  const rows = await query
    .orderBy('tickets.created_at', 'desc')
    .orderBy('tickets.id', 'desc')
    .limit(options.limit + 1)
    .execute();
  return toPage(rows as TicketJoined[], options.limit, (r) => r.created_at, ticketView);
}

export async function getTicket(db: Db, organizationId: string, id: string): Promise<TicketView | undefined> {
  const row = await ticketQuery(db, organizationId).where('tickets.id', '=', id).executeTakeFirst();
  return row && ticketView(row as TicketJoined);
}

export interface TicketMessageView {
  id: string;
  position: number;
  role: string;
  content: string;
  createdAt: string;
}

/** The conversation in order. */
export async function ticketMessages(db: Db, organizationId: string, ticketId: string): Promise<TicketMessageView[]> {
  const rows = await db
    .selectFrom('ticket_messages')
    .select(['id', 'position', 'role', 'content', 'created_at'])
    .where('organization_id', '=', organizationId)
    .where('ticket_id', '=', ticketId)
    .orderBy('position')
    .execute();
  return rows.map((r) => ({ id: r.id, position: r.position, role: r.role, content: r.content, createdAt: r.created_at }));
}
