import type { Db } from '../../db/connect.js';
import { prepared } from '../../db/prepared.js';
import type { DialectSpec } from '../../db/dialect.js';
import type { DeviceRow, DevicesTable } from '../../db/schema.js';
import type { Insertable, Updateable } from 'kysely';

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

/** Id of each given identifier that exists in the organization. */
export async function deviceIdsByIdentifier(
  db: Db,
  organizationId: string,
  identifiers: readonly string[],
): Promise<Map<string, string>> {
  if (identifiers.length === 0) return new Map();
  const rows = await db
    .selectFrom('devices')
    .select(['id', 'identifier'])
    .where('organization_id', '=', organizationId)
    .where('identifier', 'in', identifiers)
    .execute();
  return new Map(rows.map((r) => [r.identifier, r.id]));
}

// bulk-metadata runs this up to thousands of times in one transaction: compiled once (db/prepared.ts).
const replaceMetadata = prepared((db: Db, organizationId: string, id: string, metadata: string, updatedAt: string) =>
  db
    .updateTable('devices')
    .set({ metadata, updated_at: updatedAt })
    .where('organization_id', '=', organizationId)
    .where('id', '=', id),
);

/** Replaces one device's metadata (JSON text). */
export async function replaceDeviceMetadata(
  db: Db,
  organizationId: string,
  id: string,
  metadata: string,
  updatedAt: string,
): Promise<void> {
  await replaceMetadata(db, organizationId, id, metadata, updatedAt);
}

export async function updateDeviceRow(
  db: Db,
  organizationId: string,
  id: string,
  patch: Updateable<DevicesTable>,
): Promise<void> {
  await db.updateTable('devices').set(patch).where('organization_id', '=', organizationId).where('id', '=', id).execute();
}
