import type { Db } from '../../db/connect.js';
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

export async function updateDeviceRow(
  db: Db,
  organizationId: string,
  id: string,
  patch: Updateable<DevicesTable>,
): Promise<void> {
  await db.updateTable('devices').set(patch).where('organization_id', '=', organizationId).where('id', '=', id).execute();
}
