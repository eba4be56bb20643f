import type { Db } from '../../db/connect.js';
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

export async function findCustomerById(db: Db, organizationId: string, id: string): Promise<CustomerRow | undefined> {
  return db
    .selectFrom('customers')
    .selectAll()
    .where('organization_id', '=', organizationId)
    .where('id', '=', id)
    .executeTakeFirst();
}

export async function findCustomerByEmail(
  db: Db,
  organizationId: string,
  email: string,
): Promise<CustomerRow | undefined> {
  return db
    .selectFrom('customers')
    .selectAll()
    .where('organization_id', '=', organizationId)
    .where('email', '=', email)
    .executeTakeFirst();
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

/**
 * Identifiers of the devices currently linked to the customer, oldest link first. `position` numbers a customer's
 * links in the order they were made (migration 0003); `assigned_at` alone ties within a millisecond.
 */
export async function activeDeviceIdentifiers(db: Db, organizationId: string, customerId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('assignments')
    .innerJoin('devices', 'devices.id', 'assignments.device_id')
    .select('devices.identifier')
    .where('assignments.organization_id', '=', organizationId)
    .where('assignments.customer_id', '=', customerId)
    .where('assignments.unassigned_at', 'is', null)
    .orderBy('assignments.position')
    .execute();
  return rows.map((r) => r.identifier);
}

export async function orderIdentifiers(db: Db, organizationId: string, customerId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('orders')
    .select('order_identifier')
    .where('organization_id', '=', organizationId)
    .where('customer_id', '=', customerId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  return rows.map((r) => r.order_identifier);
}
