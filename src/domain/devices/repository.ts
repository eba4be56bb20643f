import type { Db } from '../../db/connect.js';
import type { DialectSpec } from '../../db/dialect.js';
import type { DeviceRow, DevicesTable } from '../../db/schema.js';
import type { Insertable, Updateable } from 'kysely';
import { inChunks } from '../assignments/chunks.js';

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

export async function updateDeviceRow(
  db: Db,
  organizationId: string,
  id: string,
  patch: Updateable<DevicesTable>,
): Promise<void> {
  await db.updateTable('devices').set(patch).where('organization_id', '=', organizationId).where('id', '=', id).execute();
}

// Set-based forms, for requests that name up to a thousand devices: a statement per chunk, not one per device.

/**
 * Inserts each row unless its identifier is taken, atomically (one multi-row INSERT … ON CONFLICT DO NOTHING per
 * chunk, rows in the caller's order). Returns the identifiers this call created.
 */
export async function insertDevicesIfAbsent(db: Db, rows: ReadonlyArray<Insertable<DevicesTable>>): Promise<Set<string>> {
  const created = new Set<string>();
  for (const chunk of inChunks(rows, 7)) {
    const inserted = await db
      .insertInto('devices')
      .values(chunk)
      .onConflict((oc) => oc.columns(['organization_id', 'identifier']).doNothing())
      .returning('identifier')
      .execute();
    for (const row of inserted) created.add(row.identifier);
  }
  return created;
}

/** Ids of the devices with these identifiers that exist, by identifier. */
export async function findDeviceIdsByIdentifiers(
  db: Db,
  organizationId: string,
  identifiers: readonly string[],
): Promise<Map<string, string>> {
  const ids = new Map<string, string>();
  for (const chunk of inChunks(identifiers)) {
    const rows = await db
      .selectFrom('devices')
      .select(['id', 'identifier'])
      .where('organization_id', '=', organizationId)
      .where('identifier', 'in', chunk)
      .execute();
    for (const row of rows) ids.set(row.identifier, row.id);
  }
  return ids;
}
