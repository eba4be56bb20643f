import type { Db } from '../../db/connect.js';
import { prepared } from '../../db/prepared.js';
import type { CustomerRow, CustomerUpdate, NewCustomer } from '../../db/schema.js';

export async function insertCustomer(db: Db, row: NewCustomer): Promise<void> {
  await db.insertInto('customers').values(row).execute();
}

/**
 * Inserts unless the email is taken, atomically (INSERT … ON CONFLICT DO NOTHING). Returns whether this call
 * created the row; concurrent callers with the same email see exactly one `true`.
 */
export async function insertCustomerIfAbsent(db: Db, row: NewCustomer): Promise<boolean> {
  const inserted = await db
    .insertInto('customers')
    .values(row)
    .onConflict((oc) => oc.columns(['organization_id', 'email']).doNothing())
    .returning('id')
    .executeTakeFirst();
  return inserted !== undefined;
}

// The reads below run on every customer request: compiled once (db/prepared.ts).
const customerById = prepared((db: Db, organizationId: string, id: string) =>
  db.selectFrom('customers').selectAll().where('organization_id', '=', organizationId).where('id', '=', id),
);

export async function findCustomerById(db: Db, organizationId: string, id: string): Promise<CustomerRow | undefined> {
  return (await customerById(db, organizationId, id))[0];
}

const customerByEmail = prepared((db: Db, organizationId: string, email: string) =>
  db.selectFrom('customers').selectAll().where('organization_id', '=', organizationId).where('email', '=', email),
);

export async function findCustomerByEmail(
  db: Db,
  organizationId: string,
  email: string,
): Promise<CustomerRow | undefined> {
  return (await customerByEmail(db, organizationId, email))[0];
}

export async function updateCustomerRow(
  db: Db,
  organizationId: string,
  id: string,
  patch: CustomerUpdate,
): Promise<boolean> {
  const result = await db
    .updateTable('customers')
    .set(patch)
    .where('organization_id', '=', organizationId)
    .where('id', '=', id)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

const activeDevices = prepared((db: Db, organizationId: string, customerId: string) =>
  db
    .selectFrom('assignments')
    .innerJoin('devices', 'devices.id', 'assignments.device_id')
    .select('devices.identifier')
    .where('assignments.organization_id', '=', organizationId)
    .where('assignments.customer_id', '=', customerId)
    .where('assignments.unassigned_at', 'is', null)
    .orderBy('assignments.position'),
);

/**
 * Identifiers of the devices currently linked to the customer, oldest link first. `position` numbers a customer's
 * links in the order they were made (migration 0003); `assigned_at` alone ties within a millisecond.
 */
export async function activeDeviceIdentifiers(db: Db, organizationId: string, customerId: string): Promise<string[]> {
  const rows = await activeDevices(db, organizationId, customerId);
  return rows.map((r) => r.identifier);
}

const orders = prepared((db: Db, organizationId: string, customerId: string) =>
  db
    .selectFrom('orders')
    .select('order_identifier')
    .where('organization_id', '=', organizationId)
    .where('customer_id', '=', customerId)
    .orderBy('created_at')
    .orderBy('id'),
);

export async function orderIdentifiers(db: Db, organizationId: string, customerId: string): Promise<string[]> {
  const rows = await orders(db, organizationId, customerId);
  return rows.map((r) => r.order_identifier);
}
