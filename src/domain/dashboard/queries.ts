// Read models for the dashboard and the /api/v1 list endpoints: search, pagination and the records a page shows.
// Every query filters on organization_id first; a record of another organization is simply not found.
import type { Db } from '../../db/connect.js';
import type { CustomerRow, DeviceRow, TicketRow } from '../../db/schema.js';
import { before, decodeCursor, likeContains, toPage, type Page } from './cursor.js';
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

/** Customers whose email or name contains `q` (case-insensitive), newest first. */
export async function listCustomers(
  db: Db,
  organizationId: string,
  options: ListOptions & { q?: string | undefined },
): Promise<Page<CustomerView>> {
  const cursor = cursorOrFail(options.cursor);
  let query = db.selectFrom('customers').selectAll().where('organization_id', '=', organizationId);
  const q = options.q?.trim();
  if (q) query = query.where((eb) => eb.or([likeContains('email', q), likeContains('name', q)]));
  if (cursor) query = query.where(before('created_at', 'id', cursor));
  const rows = await query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(options.limit + 1).execute();
  return toPage(rows, options.limit, (r) => r.created_at, customerView);
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

/** Devices whose identifier or type contains `q` (case-insensitive), newest first. */
export async function listDevices(
  db: Db,
  organizationId: string,
  options: ListOptions & { q?: string | undefined },
): Promise<Page<DeviceView>> {
  const cursor = cursorOrFail(options.cursor);
  let query = db.selectFrom('devices').selectAll().where('organization_id', '=', organizationId);
  const q = options.q?.trim();
  if (q) query = query.where((eb) => eb.or([likeContains('identifier', q), likeContains('type', q)]));
  if (cursor) query = query.where(before('created_at', 'id', cursor));
  const rows = await query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(options.limit + 1).execute();
  return toPage(rows, options.limit, (r) => r.created_at, deviceView);
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
