import type { Database, Db } from '../../db/connect.js';
import { postgresDialect, sqliteDialect, type DialectName, type DialectSpec } from '../../db/dialect.js';
import { prepared } from '../../db/prepared.js';
import type { CustomerRow, CustomerUpdate, NewCustomer, Tables } from '../../db/schema.js';
import type { ExpressionBuilder } from 'kysely';
import { inChunks } from '../assignments/chunks.js';

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

// Only the id and name, for callers that only link to the customer (every ticket opened by email, which names its
// customer in its event): the other columns are then not copied out of the row into strings.
const customerLinkByEmail = prepared((db: Db, organizationId: string, email: string) =>
  db.selectFrom('customers').select(['id', 'name']).where('organization_id', '=', organizationId).where('email', '=', email),
);

export async function findCustomerLinkByEmail(db: Db, organizationId: string, email: string): Promise<{ id: string; name: string } | undefined> {
  return (await customerLinkByEmail(db, organizationId, email))[0];
}

/** The columns an update may set: each holds a string, or null, which is all a prepared query binds. */
type UpdatableColumn = Exclude<keyof CustomerUpdate, 'id' | 'organization_id' | 'created_at'>;

/**
 * One prepared UPDATE per set of columns (db/prepared.ts), made on first use: building and compiling the update
 * anew was most of an update's own CPU in the benchmark's profile. The callers set at most six columns, so
 * there are few such sets.
 */
type PreparedUpdate = (db: Db, organizationId: string, id: string, ...values: Array<string | null>) => Promise<unknown[]>;
const updatesByColumns = new Map<string, PreparedUpdate>();

function updateOf(columns: readonly UpdatableColumn[]): PreparedUpdate {
  const key = columns.join(',');
  let update = updatesByColumns.get(key);
  if (!update) {
    update = prepared((db: Db, organizationId: string, id: string, ...values: Array<string | null>) =>
      db
        .updateTable('customers')
        .set(Object.fromEntries(columns.map((column, i) => [column, values[i]])) as CustomerUpdate)
        .where('organization_id', '=', organizationId)
        .where('id', '=', id)
        .returning('id'),
    );
    updatesByColumns.set(key, update);
  }
  return update;
}

export async function updateCustomerRow(
  db: Db,
  organizationId: string,
  id: string,
  patch: Pick<CustomerUpdate, UpdatableColumn>,
): Promise<boolean> {
  const columns = (Object.keys(patch) as UpdatableColumn[]).filter((column) => patch[column] !== undefined);
  if (columns.length === 0) throw new Error('updateCustomerRow needs at least one column to set');
  const updated = await updateOf(columns)(db, organizationId, id, ...columns.map((column) => patch[column] ?? null));
  return updated.length > 0;
}

/** A customer row with its current devices and its orders, each as the text of a JSON array. */
export type CustomerRowWithLinks = CustomerRow & { device_identifiers: string; order_identifiers: string };

/** One prepared query per dialect, for queries whose SQL differs between them (db/dialect.ts). */
function byDialect<T>(make: (dialect: DialectSpec) => T): Record<DialectName, T> {
  return { sqlite: make(sqliteDialect), postgres: make(postgresDialect) };
}

/**
 * The identifiers of the outer query's customer's current devices, oldest link first, as the text of a JSON
 * array: the one definition of that list. `position` numbers a customer's links in the order they were made
 * (migration 0003); `assigned_at` alone ties within a millisecond.
 */
function currentDeviceList(eb: ExpressionBuilder<Tables, 'customers'>, dialect: DialectSpec) {
  return eb
    .selectFrom('assignments')
    .innerJoin('devices', 'devices.id', 'assignments.device_id')
    .select((inner) => dialect.jsonArrayText(inner.ref('devices.identifier'), [inner.ref('assignments.position')]).as('list'))
    .whereRef('assignments.organization_id', '=', 'customers.organization_id')
    .whereRef('assignments.customer_id', '=', 'customers.id')
    .where('assignments.unassigned_at', 'is', null)
    .$asScalar()
    .$notNull();
}

/**
 * The customer and everything getCustomer and queryCustomer show, in one statement: devices oldest link first,
 * orders oldest first. One statement instead of three is a third of the round trips on PostgreSQL and of the
 * statement overhead on SQLite, on the API's most frequent requests.
 */
function customerWithLinks(dialect: DialectSpec, by: 'id' | 'email') {
  return prepared((db: Db, organizationId: string, value: string) =>
    db
      .selectFrom('customers')
      .selectAll('customers')
      .select((eb) => [
        currentDeviceList(eb, dialect).as('device_identifiers'),
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

const customerWithLinksQueries = byDialect((dialect) => ({
  id: customerWithLinks(dialect, 'id'),
  email: customerWithLinks(dialect, 'email'),
}));

/** A hot read (`database.read`): never call it from inside a transaction's work. */
export async function findCustomerWithLinks(
  database: Database,
  organizationId: string,
  by: 'id' | 'email',
  value: string,
): Promise<CustomerRowWithLinks | undefined> {
  const query = customerWithLinksQueries[database.dialect.name][by];
  return (await database.read((db) => query(db, organizationId, value)))[0];
}

const activeDevicesQueries = byDialect((dialect) =>
  prepared((db: Db, organizationId: string, customerId: string) =>
    db
      .selectFrom('customers')
      .select((eb) => currentDeviceList(eb, dialect).as('list'))
      .where('customers.organization_id', '=', organizationId)
      .where('customers.id', '=', customerId),
  ),
);

/** Identifiers of the devices currently linked to the customer, oldest link first (see currentDeviceList). */
export async function activeDeviceIdentifiers(
  db: Db,
  dialect: DialectSpec,
  organizationId: string,
  customerId: string,
): Promise<string[]> {
  const [row] = await activeDevicesQueries[dialect.name](db, organizationId, customerId);
  return row ? (JSON.parse(row.list) as string[]) : [];
}

// Set-based forms of the above, for requests that name up to a thousand customers: a statement per chunk instead of
// one per customer keeps such a request from holding the event loop.

/** Ids of the customers with these (normalized) emails that exist, by email. */
export async function findCustomerIdsByEmails(db: Db, organizationId: string, emails: readonly string[]): Promise<Map<string, string>> {
  const ids = new Map<string, string>();
  for (const chunk of inChunks(emails)) {
    const rows = await db
      .selectFrom('customers')
      .select(['id', 'email'])
      .where('organization_id', '=', organizationId)
      .where('email', 'in', chunk)
      .execute();
    for (const row of rows) ids.set(row.email, row.id);
  }
  return ids;
}

/**
 * Inserts each row unless its email is taken, atomically (one multi-row INSERT … ON CONFLICT DO NOTHING per chunk,
 * rows in the caller's order). Returns the emails this call created; concurrent callers see each created once.
 */
export async function insertCustomersIfAbsent(db: Db, rows: readonly NewCustomer[]): Promise<Set<string>> {
  const created = new Set<string>();
  for (const chunk of inChunks(rows, 9)) {
    const inserted = await db
      .insertInto('customers')
      .values(chunk)
      .onConflict((oc) => oc.columns(['organization_id', 'email']).doNothing())
      .returning('email')
      .execute();
    for (const row of inserted) created.add(row.email);
  }
  return created;
}
