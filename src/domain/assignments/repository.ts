import type { Db } from '../../db/connect.js';
import type { DialectSpec } from '../../db/dialect.js';
import { prepared } from '../../db/prepared.js';
import type { AssignmentsTable } from '../../db/schema.js';
import { sql, type Insertable } from 'kysely';
import { inChunks } from './chunks.js';

/**
 * Locks the customer's row until the transaction ends. Every write to a customer's links holds this lock first, so
 * the links of one customer are numbered (`position`) by one writer at a time.
 */
export async function lockCustomer(db: Db, dialect: DialectSpec, organizationId: string, customerId: string): Promise<void> {
  const query = db
    .selectFrom('customers')
    .select('id')
    .where('organization_id', '=', organizationId)
    .where('id', '=', customerId);
  await dialect.forUpdate(query).executeTakeFirst();
}

// Set-based forms, for requests that name up to a thousand customers or devices: a statement per chunk instead of
// several per item, so that one such request does not hold the event loop.

const byCodeUnit = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Locks the rows of the customers with these emails until the transaction ends and returns their ids by email.
 * PostgreSQL locks them in the statement's order, byte order of email (`COLLATE "C"`, never the database's locale),
 * so any two writers take the customers they share in one order and never wait on each other in a cycle. A request
 * names at most a thousand emails: one chunk, one order.
 */
export async function lockCustomersByEmail(
  db: Db,
  dialect: DialectSpec,
  organizationId: string,
  emails: readonly string[],
): Promise<Map<string, string>> {
  const ids = new Map<string, string>();
  for (const chunk of inChunks([...emails].sort(byCodeUnit))) {
    const query = db
      .selectFrom('customers')
      .select(['id', 'email'])
      .where('organization_id', '=', organizationId)
      .where('email', 'in', chunk)
      .orderBy(dialect.name === 'postgres' ? sql`email collate "C"` : sql`email`);
    for (const row of await dialect.forUpdate(query).execute()) ids.set(row.email, row.id);
  }
  return ids;
}

/** The highest position among each customer's links, ended ones included (absent: the customer has none). */
export async function lastPositions(db: Db, organizationId: string, customerIds: readonly string[]): Promise<Map<string, number>> {
  const last = new Map<string, number>();
  for (const chunk of inChunks(customerIds)) {
    const rows = await db
      .selectFrom('assignments')
      .select((eb) => ['customer_id', eb.fn.max('position').as('last')])
      .where('organization_id', '=', organizationId)
      .where('customer_id', 'in', chunk)
      .groupBy('customer_id')
      .execute();
    for (const row of rows) last.set(row.customer_id, Number(row.last ?? 0));
  }
  return last;
}

/**
 * Starts each link unless its device and customer already have an active one, atomically (multi-row INSERT … ON
 * CONFLICT DO NOTHING on the partial unique index of active pairs). Returns the started ones as `device/customer`.
 */
export async function insertAssignmentsIfAbsent(
  db: Db,
  rows: ReadonlyArray<Insertable<AssignmentsTable>>,
): Promise<Set<string>> {
  const started = new Set<string>();
  for (const chunk of inChunks(rows, 7)) {
    const inserted = await db
      .insertInto('assignments')
      .values(chunk)
      .onConflict((oc) => oc.columns(['device_id', 'customer_id']).where('unassigned_at', 'is', null).doNothing())
      .returning(['device_id', 'customer_id'])
      .execute();
    for (const row of inserted) started.add(`${row.device_id}/${row.customer_id}`);
  }
  return started;
}

/** Which of these devices have an active link to the customer. */
export async function activelyLinkedDeviceIds(
  db: Db,
  organizationId: string,
  customerId: string,
  deviceIds: readonly string[],
): Promise<Set<string>> {
  const linked = new Set<string>();
  for (const chunk of inChunks(deviceIds)) {
    const rows = await db
      .selectFrom('assignments')
      .select('device_id')
      .where('organization_id', '=', organizationId)
      .where('customer_id', '=', customerId)
      .where('unassigned_at', 'is', null)
      .where('device_id', 'in', chunk)
      .execute();
    for (const row of rows) linked.add(row.device_id);
  }
  return linked;
}

/** The customer's active links to the devices with these identifiers: the link's id by device identifier. */
export async function activeLinksByIdentifier(
  db: Db,
  organizationId: string,
  customerId: string,
  identifiers: readonly string[],
): Promise<Map<string, string>> {
  const links = new Map<string, string>();
  for (const chunk of inChunks(identifiers)) {
    const rows = await db
      .selectFrom('assignments')
      .innerJoin('devices', 'devices.id', 'assignments.device_id')
      .select(['assignments.id as id', 'devices.identifier as identifier'])
      .where('assignments.organization_id', '=', organizationId)
      .where('devices.organization_id', '=', organizationId)
      .where('assignments.customer_id', '=', customerId)
      .where('assignments.unassigned_at', 'is', null)
      .where('devices.identifier', 'in', chunk)
      .execute();
    for (const row of rows) links.set(row.identifier, row.id);
  }
  return links;
}

/** Ends these links (by id) of the customer that are still active. */
export async function endAssignments(
  db: Db,
  organizationId: string,
  customerId: string,
  assignmentIds: readonly string[],
  now: string,
): Promise<void> {
  for (const chunk of inChunks(assignmentIds)) {
    await db
      .updateTable('assignments')
      .set({ unassigned_at: now })
      .where('organization_id', '=', organizationId)
      .where('customer_id', '=', customerId)
      .where('unassigned_at', 'is', null)
      .where('id', 'in', chunk)
      .execute();
  }
}

// The one-owner form runs on every replayed assignDeviceToOwners of a nightly sync, the endpoint's most frequent
// call: compiled once (db/prepared.ts) rather than built per call like the list form.
const activeLinkByEmail = prepared((db: Db, organizationId: string, deviceIdentifier: string, email: string) =>
  db
    .selectFrom('devices')
    .innerJoin('assignments', (join) =>
      join.onRef('assignments.device_id', '=', 'devices.id').on('assignments.unassigned_at', 'is', null),
    )
    .innerJoin('customers', 'customers.id', 'assignments.customer_id')
    .select(['devices.id as device_id', 'customers.id as customer_id'])
    .where('devices.organization_id', '=', organizationId)
    .where('devices.identifier', '=', deviceIdentifier)
    .whereRef('assignments.organization_id', '=', 'devices.organization_id')
    .whereRef('customers.organization_id', '=', 'devices.organization_id')
    .where('customers.email', '=', email),
);

/** For the emails whose customer has an active link to the device (by identifier): the device and customer ids. */
export async function findActiveLinksByEmails(
  db: Db,
  organizationId: string,
  deviceIdentifier: string,
  emails: readonly string[],
): Promise<Map<string, { device_id: string; customer_id: string }>> {
  const links = new Map<string, { device_id: string; customer_id: string }>();
  if (emails.length === 1) {
    const [link] = await activeLinkByEmail(db, organizationId, deviceIdentifier, emails[0]!);
    if (link) links.set(emails[0]!, link);
    return links;
  }
  for (const chunk of inChunks(emails)) {
    const rows = await db
      .selectFrom('devices')
      .innerJoin('assignments', (join) =>
        join.onRef('assignments.device_id', '=', 'devices.id').on('assignments.unassigned_at', 'is', null),
      )
      .innerJoin('customers', 'customers.id', 'assignments.customer_id')
      .select(['devices.id as device_id', 'customers.id as customer_id', 'customers.email as email'])
      .where('devices.organization_id', '=', organizationId)
      .where('devices.identifier', '=', deviceIdentifier)
      .whereRef('assignments.organization_id', '=', 'devices.organization_id')
      .whereRef('customers.organization_id', '=', 'devices.organization_id')
      .where('customers.email', 'in', chunk)
      .execute();
    for (const { email, ...link } of rows) links.set(email, link);
  }
  return links;
}
