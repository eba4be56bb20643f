// Tickets, their conversations and timelines as the dashboard and /api/v1 show them.
import type { Db } from '../../db/connect.js';
import { prepared } from '../../db/prepared.js';
import type { TicketEventsTable, TicketRow } from '../../db/schema.js';
import { containsPattern, keysetPage, likeContains, rowsPast, type Page } from './cursor.js';
import { sql, type Selectable } from 'kysely';
import type { TicketPriority, TicketStatus } from '../tickets/model.js';
import { countRows, cursorOrFail, searchText, type ListOptions } from './list.js';

// The vocabulary is the tickets domain's; re-exported for the callers that read it from here.
export {
  TICKET_PRIORITIES,
  TICKET_STATUSES,
  isTicketPriority,
  isTicketStatus,
  type TicketPriority,
  type TicketStatus,
} from '../tickets/model.js';

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
  assignee: { id: string; email: string } | null;
  createdAt: string;
  updatedAt: string;
}

function ticketBase(db: Db, organizationId: string) {
  return db
    .selectFrom('tickets')
    .innerJoin('customers', 'customers.id', 'tickets.customer_id')
    .leftJoin('devices', 'devices.id', 'tickets.device_id')
    .leftJoin('categories', 'categories.id', 'tickets.category_id')
    .leftJoin('users as assignee', 'assignee.id', 'tickets.assignee_user_id')
    .where('tickets.organization_id', '=', organizationId);
}

/** What ticketView reads, selected from ticketBase (filtered or not): the ticket and the names of what it links to. */
function selectForView(query: ReturnType<typeof ticketBase>) {
  return query
    .selectAll('tickets')
    .select([
      'customers.email as customer_email',
      'customers.name as customer_name',
      'devices.identifier as device_identifier',
      'categories.name as category_name',
      'assignee.email as assignee_email',
    ]);
}

type TicketJoined = TicketRow & {
  customer_email: string;
  customer_name: string;
  device_identifier: string | null;
  category_name: string | null;
  assignee_email: string | null;
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
    assignee: row.assignee_user_id && row.assignee_email ? { id: row.assignee_user_id, email: row.assignee_email } : null,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export interface TicketFilter {
  status?: TicketStatus | undefined;
  priority?: TicketPriority | undefined;
  customerId?: string | undefined;
  deviceId?: string | undefined;
  /** A user id, or `none` for unassigned tickets. */
  assignee?: string | undefined;
  /** Text in the title or in any message (internal notes included: this is the team's search). */
  q?: string | undefined;
}

function filteredTickets(db: Db, organizationId: string, filter: TicketFilter) {
  let query = ticketBase(db, organizationId);
  if (filter.status) query = query.where('tickets.status', '=', filter.status);
  if (filter.priority) query = query.where('tickets.priority', '=', filter.priority);
  if (filter.customerId) query = query.where('tickets.customer_id', '=', filter.customerId);
  if (filter.deviceId) query = query.where('tickets.device_id', '=', filter.deviceId);
  if (filter.assignee === 'none') query = query.where('tickets.assignee_user_id', 'is', null);
  else if (filter.assignee) query = query.where('tickets.assignee_user_id', '=', filter.assignee);
  const q = searchText(filter.q);
  if (q) {
    const pattern = containsPattern(q);
    query = query.where((eb) =>
      eb.or([
        likeContains('tickets.title', q),
        eb.exists(
          eb
            .selectFrom('ticket_messages')
            .select(sql.lit(1).as('one'))
            .whereRef('ticket_messages.ticket_id', '=', 'tickets.id')
            .where('ticket_messages.organization_id', '=', organizationId)
            .where(sql<boolean>`lower(ticket_messages.content) like ${pattern} escape '\\'`),
        ),
      ]),
    );
  }
  return query;
}

/** The inbox: tickets matching the filter, newest first, pages both ways. */
export async function listTickets(
  db: Db,
  organizationId: string,
  options: ListOptions & TicketFilter,
): Promise<Page<TicketView>> {
  const cursor = cursorOrFail(options.cursor);
  const query = selectForView(filteredTickets(db, organizationId, options));
  return keysetPage(cursor, options.limit, rowsPast(query, 'tickets.created_at', 'tickets.id', options.limit), (r) => r.created_at, ticketView);
}

/** How many tickets match the filter. */
export async function countTickets(db: Db, organizationId: string, filter: TicketFilter): Promise<number> {
  return countRows(filteredTickets(db, organizationId, filter));
}

export async function getTicket(db: Db, organizationId: string, id: string): Promise<TicketView | undefined> {
  const [row] = await ticketById(db, organizationId, id);
  return row && ticketView(row as TicketJoined);
}

// Prepared (db/prepared.ts): every ticket event reads its ticket back inside the change's transaction.
const ticketById = prepared((db: Db, organizationId: string, id: string) =>
  selectForView(ticketBase(db, organizationId)).where('tickets.id', '=', id),
);

export interface AuthorView {
  type: string;
  id: string | null;
  name: string | null;
}

export interface TicketMessageView {
  id: string;
  position: number;
  role: string;
  /** `message` or `note` (internal). */
  kind: string;
  author: AuthorView;
  content: string;
  createdAt: string;
}

/** Rows older than migration 0009 have no author: a customer message is the customer's, the others by role. */
function authorOf(row: { role: string; author_type: string | null; author_id: string | null; author_name: string | null }): AuthorView {
  if (row.author_type) return { type: row.author_type, id: row.author_id, name: row.author_name };
  return { type: row.role === 'customer' ? 'customer' : row.role === 'bot' ? 'bot' : 'api_key', id: null, name: null };
}

/**
 * The conversation in order. Internal notes only with `includeNotes` (the team's own views): this is also what
 * webhook payloads and every customer-facing surface read, and those must never carry a note.
 */
export async function ticketMessages(
  db: Db,
  organizationId: string,
  ticketId: string,
  options: { includeNotes?: boolean } = {},
): Promise<TicketMessageView[]> {
  const rows = await (options.includeNotes ? messagesAndNotes : messagesOnly)(db, organizationId, ticketId);
  return rows.map(messageView);
}

export interface MessageRow {
  id: string;
  position: number;
  role: string;
  kind: string;
  author_type: string | null;
  author_id: string | null;
  author_name: string | null;
  content: string;
  created_at: string;
}

export function messageView(row: MessageRow): TicketMessageView {
  return {
    id: row.id,
    position: row.position,
    role: row.role,
    kind: row.kind,
    author: authorOf(row),
    content: row.content,
    createdAt: row.created_at,
  };
}

// Prepared (db/prepared.ts): every ticket event reads the conversation inside the change's transaction.
const messagesOf = (db: Db, organizationId: string, ticketId: string) =>
  db
    .selectFrom('ticket_messages')
    .select(['id', 'position', 'role', 'kind', 'author_type', 'author_id', 'author_name', 'content', 'created_at'])
    .where('organization_id', '=', organizationId)
    .where('ticket_id', '=', ticketId);
const messagesAndNotes = prepared((db: Db, organizationId: string, ticketId: string) => messagesOf(db, organizationId, ticketId).orderBy('position'));
const messagesOnly = prepared((db: Db, organizationId: string, ticketId: string) =>
  messagesOf(db, organizationId, ticketId).where('kind', '=', 'message').orderBy('position'),
);

export interface TicketChangeView {
  id: string;
  type: string;
  from: string | null;
  to: string | null;
  actor: AuthorView;
  createdAt: string;
}

export type TimelineEntry = ({ entry: 'message' } & TicketMessageView) | ({ entry: 'change' } & TicketChangeView);

/** Messages (notes included) and changes, in the order they happened (see migration 0009). */
export async function ticketTimeline(db: Db, organizationId: string, ticketId: string): Promise<TimelineEntry[]> {
  const messages = await ticketMessages(db, organizationId, ticketId, { includeNotes: true });
  const changes = await db
    .selectFrom('ticket_events')
    .selectAll()
    .where('organization_id', '=', organizationId)
    .where('ticket_id', '=', ticketId)
    .orderBy('seq')
    .execute();
  const out: TimelineEntry[] = [];
  let c = 0;
  for (const message of messages) {
    while (c < changes.length && changes[c]!.message_position <= message.position) out.push(changeEntry(changes[c++]!));
    out.push({ entry: 'message', ...message });
  }
  while (c < changes.length) out.push(changeEntry(changes[c++]!));
  return out;
}

function changeEntry(row: Selectable<TicketEventsTable>): TimelineEntry {
  return {
    entry: 'change',
    id: row.id,
    type: row.type,
    from: row.from_value,
    to: row.to_value,
    actor: { type: row.actor_type, id: row.actor_id, name: row.actor_name },
    createdAt: row.created_at,
  };
}
