import type { Database, Db } from '../../db/connect.js';
import { preparedForEach } from '../../db/prepared.js';
import type { StatementBatch } from '../../db/statement-batch.js';
import type { DialectSpec } from '../../db/dialect.js';
import type { DeviceRow, DevicesTable } from '../../db/schema.js';
import { sql, type Insertable, type Updateable } from 'kysely';

/**
 * Inserts unless the identifier is taken in the organization, atomically (INSERT … ON CONFLICT DO NOTHING).
 * Returns whether this call created the row; concurrent callers with one identifier see exactly one `true`.
 */
export async function insertDeviceIfAbsent(db: Db, row: Insertable<DevicesTable>): Promise<boolean> {
  const inserted = await db
    .insertInto('devices')
    .values(row)
    .onConflict((oc) => oc.columns(['organization_id', 'identifier']).doNothing())
    .returning('id')
    .executeTakeFirst();
  return inserted !== undefined;
}

export async function findDeviceByIdentifier(
  db: Db,
  organizationId: string,
  identifier: string,
): Promise<DeviceRow | undefined> {
  return db
    .selectFrom('devices')
    .selectAll()
    .where('organization_id', '=', organizationId)
    .where('identifier', '=', identifier)
    .executeTakeFirst();
}

/** The same, locking the row until the transaction ends (read-modify-write of metadata). */
export async function findDeviceByIdentifierForUpdate(
  db: Db,
  dialect: DialectSpec,
  organizationId: string,
  identifier: string,
): Promise<DeviceRow | undefined> {
  const query = db
    .selectFrom('devices')
    .selectAll()
    .where('organization_id', '=', organizationId)
    .where('identifier', '=', identifier);
  return dialect.forUpdate(query).executeTakeFirst();
}

/**
 * Replaces the metadata (JSON text) of each identifier's device in the organization, where it exists; returns the
 * id of each device found. Identifiers must be unique. Run inside a transaction. Row by row where the database
 * offers a statement batch (SQLite), in one statement otherwise (PostgreSQL): the cheap way on each dialect
 * measured many times slower on the other (docs/decisions.md).
 */
export async function replaceMetadataByIdentifier(
  db: Db,
  database: Pick<Database, 'statementBatch'>,
  organizationId: string,
  metadataByIdentifier: ReadonlyMap<string, string>,
  updatedAt: string,
): Promise<Map<string, string>> {
  if (metadataByIdentifier.size === 0) return new Map();
  return database.statementBatch
    ? replaceRowByRow(db, database.statementBatch, organizationId, metadataByIdentifier, updatedAt)
    : replaceInOneStatement(db, organizationId, metadataByIdentifier, updatedAt);
}

const replaceMetadataOfIdentifier = preparedForEach(
  (db: Db, metadata: string, updatedAt: string, organizationId: string, identifier: string) =>
    db
      .updateTable('devices')
      .set({ metadata, updated_at: updatedAt })
      .where('organization_id', '=', organizationId)
      .where('identifier', '=', identifier)
      .returning('id'),
);

/**
 * SQLite: one single-row UPDATE … RETURNING per identifier, found through the (organization, identifier) index,
 * run back to back on the connection. A few µs per row; a multi-row statement measured slower there (a CASE with
 * a branch per row; an UPDATE FROM json_each that SQLite plans as a scan of the JSON per device).
 */
function replaceRowByRow(
  db: Db,
  batch: StatementBatch,
  organizationId: string,
  metadataByIdentifier: ReadonlyMap<string, string>,
  updatedAt: string,
): Map<string, string> {
  const identifiers = [...metadataByIdentifier.keys()];
  const rows = replaceMetadataOfIdentifier(
    db,
    batch,
    identifiers.map((identifier) => [metadataByIdentifier.get(identifier)!, updatedAt, organizationId, identifier]),
  );
  const ids = new Map<string, string>();
  rows.forEach((row, i) => row && ids.set(identifiers[i]!, row.id));
  return ids;
}

/**
 * PostgreSQL: a round trip per device was most of a bulk request's time, so the rows are first locked in id order
 * (two bulk requests sharing devices then wait for each other instead of deadlocking: within one statement
 * PostgreSQL locks rows in whatever order its plan visits them), and then updated by one UPDATE joined to the
 * unnested arrays.
 */
async function replaceInOneStatement(
  db: Db,
  organizationId: string,
  metadataByIdentifier: ReadonlyMap<string, string>,
  updatedAt: string,
): Promise<Map<string, string>> {
  const locked = await db
    .selectFrom('devices')
    .select(['id', 'identifier'])
    .where('organization_id', '=', organizationId)
    .where('identifier', 'in', [...metadataByIdentifier.keys()])
    .orderBy('id')
    .forUpdate()
    .execute();
  if (locked.length === 0) return new Map();
  const ids = locked.map((row) => row.id);
  const metadata = locked.map((row) => metadataByIdentifier.get(row.identifier)!);
  await sql`
    update devices set metadata = given.metadata, updated_at = ${updatedAt}
    from unnest(${ids}::text[], ${metadata}::text[]) as given(id, metadata)
    where devices.organization_id = ${organizationId} and devices.id = given.id`.execute(db);
  return new Map(locked.map((row) => [row.identifier, row.id]));
}

export async function updateDeviceRow(
  db: Db,
  organizationId: string,
  id: string,
  patch: Updateable<DevicesTable>,
): Promise<void> {
  await db.updateTable('devices').set(patch).where('organization_id', '=', organizationId).where('id', '=', id).execute();
}
