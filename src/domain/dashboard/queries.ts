// Read models for the dashboard and the /api/v1 list endpoints: search, pagination and the records a page shows.
// Every query filters on organization_id first; a record of another organization is simply not found.
import type { Db } from '../../db/connect.js';
import type { CustomerRow, DeviceRow, TicketRow } from '../../db/schema.js';
import { after, before, containsPattern, decodeCursor, keysetPage, likeContains, MAX_SEARCH_LENGTH, toPage, type Page } from './cursor.js';
import { sql } from 'kysely';
import { DomainError } from '../errors.js';

export type Metadata = Record<string, unknown>;

export interface ListOptions {
  limit: number;
  cursor?: string | undefined;
}

function cursorOrFail(raw: string | undefined) {
  if (raw === undefined || raw === '') return undefined;
  const cursor = decodeCursor(raw);
  if (!cursor) throw new DomainError({ code: 'invalid_input', field: 'cursor', reason: 'is invalid: not a cursor this server produced' });
  return cursor;
}

/** The search text, trimmed; undefined when blank. Too long or with NUL: invalid_input on field `q`. */
export function searchText(raw: string | undefined): string | undefined {
  const q = raw?.trim();
  if (!q) return undefined;
  if (q.length > MAX_SEARCH_LENGTH) throw new DomainError({ code: 'invalid_input', field: 'q', reason: `must be at most ${MAX_SEARCH_LENGTH} characters` });
  if (q.includes('\0')) throw new DomainError({ code: 'invalid_input', field: 'q', reason: 'must not contain NUL characters' });
  return q;
}

function parseMetadata(text: string): Metadata {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Metadata) : {};
  } catch {
    return {};
  }
}

// ---- customers -------------------------------------------------------------------------------------------------

export interface CustomerView {
  id: string;
  email: string;
  name: string;
  phone: string | null;
  address: string | null;
  metadata: Metadata;
  createdAt: string;
  updatedAt: string;
}

export function customerView(row: CustomerRow): CustomerView {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    phone: row.phone,
    address: row.address,
    metadata: parseMetadata(row.metadata),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function customerSearch(db: Db, organizationId: string, q: string | undefined) {
  let query = db.selectFrom('customers').where('organization_id', '=', organizationId);
  if (q) {
    query = query.where((eb) =>
      eb.or([likeContains('email', q), likeContains('name', q), likeContains('phone', q), likeContains('address', q)]),
    );
  }
  return query;
}

/** Customers whose email, name, phone or address contains `q` (case-insensitive), newest first, both ways. */
export async function listCustomers(
  db: Db,
  organizationId: string,
  options: ListOptions & { q?: string | undefined },
): Promise<Page<CustomerView>> {
  const cursor = cursorOrFail(options.cursor);
  const q = searchText(options.q);
  return keysetPage(
    cursor,
    options.limit,
    (direction, at) => {
      let query = customerSearch(db, organizationId, q).selectAll();
      if (at) query = query.where(direction === 'older' ? before('created_at', 'id', at) : after('created_at', 'id', at));
      const order = direction === 'older' ? 'desc' : 'asc';
      return query.orderBy('created_at', order).orderBy('id', order).limit(options.limit + 1).execute();
    },
    (r) => r.created_at,
    customerView,
  );
}

export async function countCustomers(db: Db, organizationId: string, options: { q?: string | undefined }): Promise<number> {
  const row = await customerSearch(db, organizationId, searchText(options.q))
    .select((eb) => eb.fn.countAll().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function getCustomer(db: Db, organizationId: string, id: string): Promise<CustomerView | undefined> {
  const row = await db
    .selectFrom('customers')
    .selectAll()
    .where('organization_id', '=', organizationId)
    .where('id', '=', id)
    .executeTakeFirst();
  return row && customerView(row);
}

// ---- devices ---------------------------------------------------------------------------------------------------

export interface DeviceView {
  id: string;
  identifier: string;
  type: string | null;
  metadata: Metadata;
  createdAt: string;
  updatedAt: string;
}

export function deviceView(row: DeviceRow): DeviceView {
  return {
    id: row.id,
    identifier: row.identifier,
    type: row.type,
    metadata: parseMetadata(row.metadata),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function deviceSearch(db: Db, organizationId: string, q: string | undefined) {
  let query = db.selectFrom('devices').where('organization_id', '=', organizationId);
  // Metadata is matched in its stored JSON text: values are found, and so are key names (documented).
  if (q) query = query.where((eb) => eb.or([likeContains('identifier', q), likeContains('type', q), likeContains('metadata', q)]));
  return query;
}

/** Devices whose identifier, type or metadata contains `q` (case-insensitive), newest first, both ways. */
export async function listDevices(
  db: Db,
  organizationId: string,
  options: ListOptions & { q?: string | undefined },
): Promise<Page<DeviceView>> {
  const cursor = cursorOrFail(options.cursor);
  const q = searchText(options.q);
  return keysetPage(
    cursor,
    options.limit,
    (direction, at) => {
      let query = deviceSearch(db, organizationId, q).selectAll();
      if (at) query = query.where(direction === 'older' ? before('created_at', 'id', at) : after('created_at', 'id', at));
      const order = direction === 'older' ? 'desc' : 'asc';
      return query.orderBy('created_at', order).orderBy('id', order).limit(options.limit + 1).execute();
    },
    (r) => r.created_at,
    deviceView,
  );
}

export async function countDevices(db: Db, organizationId: string, options: { q?: string | undefined }): Promise<number> {
  const row = await deviceSearch(db, organizationId, searchText(options.q))
    .select((eb) => eb.fn.countAll().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function getDevice(db: Db, organizationId: string, id: string): Promise<DeviceView | undefined> {
  const row = await db
    .selectFrom('devices')
    .selectAll()
    .where('organization_id', '=', organizationId)
    .where('id', '=', id)
    .executeTakeFirst();
  return row && deviceView(row);
}

/** One device-owner link, current (`unassignedAt` null) or ended. */
export interface AssignmentView {
  id: string;
  deviceId: string;
  deviceIdentifier: string;
  customerId: string;
  customerEmail: string;
  customerName: string;
  assignedAt: string;
  unassignedAt: string | null;
}

function assignmentQuery(db: Db, organizationId: string) {
  return db
    .selectFrom('assignments')
    .innerJoin('devices', 'devices.id', 'assignments.device_id')
    .innerJoin('customers', 'customers.id', 'assignments.customer_id')
    .select([
      'assignments.id',
      'assignments.device_id',
      'devices.identifier as device_identifier',
      'assignments.customer_id',
      'customers.email as customer_email',
      'customers.name as customer_name',
      'assignments.assigned_at',
      'assignments.unassigned_at',
    ])
    .where('assignments.organization_id', '=', organizationId);
}

type AssignmentRow = Awaited<ReturnType<ReturnType<typeof assignmentQuery>['execute']>>[number];

function assignmentView(row: AssignmentRow): AssignmentView {
  return {
    id: row.id,
    deviceId: row.device_id,
    deviceIdentifier: row.device_identifier,
    customerId: row.customer_id,
    customerEmail: row.customer_email,
    customerName: row.customer_name,
    assignedAt: row.assigned_at,
    unassignedAt: row.unassigned_at,
  };
}

/** Who owned the device, from when to when: newest link first, current and ended links alike. */
export async function deviceAssignmentHistory(
  db: Db,
  organizationId: string,
  deviceId: string,
  options: ListOptions,
): Promise<Page<AssignmentView>> {
  const cursor = cursorOrFail(options.cursor);
  let query = assignmentQuery(db, organizationId).where('assignments.device_id', '=', deviceId);
  if (cursor) query = query.where(before('assignments.assigned_at', 'assignments.id', cursor));
  const rows = await query
    .orderBy('assignments.assigned_at', 'desc')
    .orderBy('assignments.id', 'desc')
    .limit(options.limit + 1)
    .execute();
  return toPage(rows, options.limit, (r) => r.assigned_at, assignmentView);
}

/** The customer's current devices, oldest link first. */
/** The customer's current devices, oldest link first (by the customer's link `position`, as ext-v1 lists them). */
export async function currentDevicesOf(db: Db, organizationId: string, customerId: string): Promise<AssignmentView[]> {
  const rows = await assignmentQuery(db, organizationId)
    .where('assignments.customer_id', '=', customerId)
    .where('assignments.unassigned_at', 'is', null)
    .orderBy('assignments.position')
    .execute();
  return rows.map(assignmentView);
}

/** The device's current owners, oldest link first. */
export async function currentOwnersOf(db: Db, organizationId: string, deviceId: string): Promise<AssignmentView[]> {
  const rows = await assignmentQuery(db, organizationId)
    .where('assignments.device_id', '=', deviceId)
    .where('assignments.unassigned_at', 'is', null)
    .orderBy('assignments.assigned_at')
    .orderBy('assignments.id')
    .execute();
  return rows.map(assignmentView);
}

// ---- tickets ---------------------------------------------------------------------------------------------------

export const TICKET_STATUSES = ['open', 'in_progress', 'waiting_for_customer', 'resolved'] as const;
export type TicketStatus = (typeof TICKET_STATUSES)[number];
export const TICKET_PRIORITIES = ['low', 'medium', 'high', 'urgent'] as const;
export type TicketPriority = (typeof TICKET_PRIORITIES)[number];

export function isTicketStatus(value: unknown): value is TicketStatus {
  return typeof value === 'string' && (TICKET_STATUSES as readonly string[]).includes(value);
}
export function isTicketPriority(value: unknown): value is TicketPriority {
  return typeof value === 'string' && (TICKET_PRIORITIES as readonly string[]).includes(value);
}

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

function ticketQuery(db: Db, organizationId: string) {
  return ticketBase(db, organizationId)
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
  return keysetPage(
    cursor,
    options.limit,
    async (direction, at) => {
      let query = filteredTickets(db, organizationId, options)
        .selectAll('tickets')
        .select([
          'customers.email as customer_email',
          'customers.name as customer_name',
          'devices.identifier as device_identifier',
          'categories.name as category_name',
          'assignee.email as assignee_email',
        ]);
      if (at) query = query.where(direction === 'older' ? before('tickets.created_at', 'tickets.id', at) : after('tickets.created_at', 'tickets.id', at));
      const order = direction === 'older' ? 'desc' : 'asc';
      return (await query.orderBy('tickets.created_at', order).orderBy('tickets.id', order).limit(options.limit + 1).execute()) as TicketJoined[];
    },
    (r) => r.created_at,
    ticketView,
  );
}

/** How many tickets match the filter. */
export async function countTickets(db: Db, organizationId: string, filter: TicketFilter): Promise<number> {
  const row = await filteredTickets(db, organizationId, filter)
    .select((eb) => eb.fn.countAll().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function getTicket(db: Db, organizationId: string, id: string): Promise<TicketView | undefined> {
  const row = await ticketQuery(db, organizationId).where('tickets.id', '=', id).executeTakeFirst();
  return row && ticketView(row as TicketJoined);
}

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
  let query = db
    .selectFrom('ticket_messages')
    .select(['id', 'position', 'role', 'kind', 'author_type', 'author_id', 'author_name', 'content', 'created_at'])
    .where('organization_id', '=', organizationId)
    .where('ticket_id', '=', ticketId);
  if (!options.includeNotes) query = query.where('kind', '=', 'message');
  const rows = await query.orderBy('position').execute();
  return rows.map((r) => ({
    id: r.id,
    position: r.position,
    role: r.role,
    kind: r.kind,
    author: authorOf(r),
    content: r.content,
    createdAt: r.created_at,
  }));
}

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

function changeEntry(row: {
  id: string;
  type: string;
  from_value: string | null;
  to_value: string | null;
  actor_type: string;
  actor_id: string | null;
  actor_name: string | null;
  created_at: string;
}): TimelineEntry {
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
