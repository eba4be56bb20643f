import type { Db } from '../../db/connect.js';
import type { DialectSpec } from '../../db/dialect.js';
import { prepared } from '../../db/prepared.js';
import type { AssignmentsTable } from '../../db/schema.js';
import type { Insertable } from 'kysely';

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

/** The highest position among the customer's links, ended ones included (0 when it has none). */
export async function lastPosition(db: Db, organizationId: string, customerId: string): Promise<number> {
  const row = await db
    .selectFrom('assignments')
    .select((eb) => eb.fn.max('position').as('last'))
    .where('organization_id', '=', organizationId)
    .where('customer_id', '=', customerId)
    .executeTakeFirst();
  return Number(row?.last ?? 0);
}

/**
 * Starts a link unless this device and customer already have an active one, atomically (INSERT … ON CONFLICT DO
 * NOTHING on the partial unique index of active pairs). Returns whether this call started it.
 */
export async function insertAssignmentIfAbsent(db: Db, row: Insertable<AssignmentsTable>): Promise<boolean> {
  const inserted = await db
    .insertInto('assignments')
    .values(row)
    .onConflict((oc) => oc.columns(['device_id', 'customer_id']).where('unassigned_at', 'is', null).doNothing())
    .returning('id')
    .executeTakeFirst();
  return inserted !== undefined;
}

/** Ends the active link between the customer and the device with this identifier. Returns whether one was active. */
export async function endAssignment(
  db: Db,
  organizationId: string,
  customerId: string,
  deviceIdentifier: string,
  now: string,
): Promise<boolean> {
  const ended = await db
    .updateTable('assignments')
    .set({ unassigned_at: now })
    .where('organization_id', '=', organizationId)
    .where('customer_id', '=', customerId)
    .where('unassigned_at', 'is', null)
    .where('device_id', 'in', (eb) =>
      eb
        .selectFrom('devices')
        .select('devices.id')
        .where('devices.organization_id', '=', organizationId)
        .where('devices.identifier', '=', deviceIdentifier),
    )
    .returning('id')
    .executeTakeFirst();
  return ended !== undefined;
}

// Runs for every owner of every assignDeviceToOwners request before any transaction: compiled once.
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

/** The device and customer ids when the device (by identifier) has an active link to the customer (by email). */
export async function findActiveLinkByEmail(
  db: Db,
  organizationId: string,
  deviceIdentifier: string,
  email: string,
): Promise<{ device_id: string; customer_id: string } | undefined> {
  return (await activeLinkByEmail(db, organizationId, deviceIdentifier, email))[0];
}
