import type { Db } from '../../db/connect.js';
import { prepared } from '../../db/prepared.js';
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
 * Id of each given identifier that exists in the organization. On PostgreSQL the rows are locked, in id order, so
 * that two bulk requests sharing devices wait for each other instead of deadlocking; on SQLite the transaction's
 * write lock already covers the whole database.
 */
export async function lockDeviceIdsByIdentifier(
  db: Db,
  dialect: DialectSpec,
  organizationId: string,
  identifiers: readonly string[],
): Promise<Map<string, string>> {
  if (identifiers.length === 0) return new Map();
  const query = db
    .selectFrom('devices')
    .select(['id', 'identifier'])
    .where('organization_id', '=', organizationId)
    .where('identifier', 'in', identifiers)
    .orderBy('id');
  const rows = await dialect.forUpdate(query).execute();
  return new Map(rows.map((r) => [r.identifier, r.id]));
}

// SQLite: one compiled single-row UPDATE (db/prepared.ts), run per device. In process it costs a few µs per row;
// a multi-row statement measured slower there (a 100-branch CASE per row, and long SQL that is prepared anew).
const replaceOneMetadata = prepared((db: Db, organizationId: string, id: string, metadata: string, updatedAt: string) =>
  db
    .updateTable('devices')
    .set({ metadata, updated_at: updatedAt })
    .where('organization_id', '=', organizationId)
    .where('id', '=', id),
);

/**
 * Replaces the metadata (JSON text) of each listed device; ids must be unique. On PostgreSQL this is a single
 * UPDATE joined to the unnested arrays: one round trip for the whole request instead of one per device, which was
 * most of a bulk request's time there. Within a statement PostgreSQL locks rows in whatever order its plan visits
 * them, so the caller locks them in id order first (lockDeviceIdsByIdentifier).
 */
export async function replaceDevicesMetadataRows(
  db: Db,
  dialect: DialectSpec,
  organizationId: string,
  rows: ReadonlyArray<{ id: string; metadata: string }>,
  updatedAt: string,
): Promise<void> {
  if (rows.length === 0) return;
  if (dialect.name === 'postgres') {
    const ids = rows.map((row) => row.id);
    const metadata = rows.map((row) => row.metadata);
    await sql`
      update devices set metadata = given.metadata, updated_at = ${updatedAt}
      from unnest(${ids}::text[], ${metadata}::text[]) as given(id, metadata)
      where devices.organization_id = ${organizationId} and devices.id = given.id`.execute(db);
    return;
  }
  for (const row of rows) await replaceOneMetadata(db, organizationId, row.id, row.metadata, updatedAt);
}

export async function updateDeviceRow(
  db: Db,
  organizationId: string,
  id: string,
  patch: Updateable<DevicesTable>,
): Promise<void> {
  await db.updateTable('devices').set(patch).where('organization_id', '=', organizationId).where('id', '=', id).execute();
}
