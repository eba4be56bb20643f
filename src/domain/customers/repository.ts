import type { Database, Db } from '../../db/connect.js';
import { postgresDialect, sqliteDialect, type DialectName, type DialectSpec } from '../../db/dialect.js';
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

/** A customer row with its current devices and its orders, each as the text of a JSON array. */
export type CustomerRowWithLinks = CustomerRow & { device_identifiers: string; order_identifiers: string };

/**
 * The customer and everything getCustomer and queryCustomer show, in one statement: devices oldest link first
 * (see activeDeviceIdentifiers), orders oldest first. One statement instead of three is a third of the round
 * trips on PostgreSQL and of the statement overhead on SQLite, on the API's most frequent requests.
 */
function customerWithLinks(dialect: DialectSpec, by: 'id' | 'email') {
  return prepared((db: Db, organizationId: string, value: string) =>
    db
      .selectFrom('customers')
      .selectAll('customers')
      .select((eb) => [
        eb
          .selectFrom('assignments')
          .innerJoin('devices', 'devices.id', 'assignments.device_id')
          .select((inner) => dialect.jsonArrayText(inner.ref('devices.identifier'), [inner.ref('assignments.position')]).as('list'))
          .whereRef('assignments.organization_id', '=', 'customers.organization_id')
          .whereRef('assignments.customer_id', '=', 'customers.id')
          .where('assignments.unassigned_at', 'is', null)
          .$asScalar()
          .$notNull()
          .as('device_identifiers'),
        eb
          .selectFrom('orders')
          .select((inner) =>
            dialect.jsonArrayText(inner.ref('orders.order_identifier'), [inner.ref('orders.created_at'), inner.ref('orders.id')]).as('list'),
          )
          .whereRef('orders.organization_id', '=', 'customers.organization_id')
          .whereRef('orders.customer_id', '=', 'customers.id')
          .$asScalar()
          .$notNull()
          .as('order_identifiers'),
      ])
      .where('customers.organization_id', '=', organizationId)
      .where(`customers.${by}`, '=', value),
  );
}

const customerWithLinksQueries: Record<DialectName, Record<'id' | 'email', ReturnType<typeof customerWithLinks>>> = {
  sqlite: { id: customerWithLinks(sqliteDialect, 'id'), email: customerWithLinks(sqliteDialect, 'email') },
  postgres: { id: customerWithLinks(postgresDialect, 'id'), email: customerWithLinks(postgresDialect, 'email') },
};

export async function findCustomerWithLinks(
  database: Database,
  organizationId: string,
  by: 'id' | 'email',
  value: string,
): Promise<CustomerRowWithLinks | undefined> {
  return (await customerWithLinksQueries[database.dialect.name][by](database.db, organizationId, value))[0];
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

