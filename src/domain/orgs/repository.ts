import type { Db } from '../../db/connect.js';
import type { OrganizationRow } from '../../db/schema.js';

export async function insertOrganization(db: Db, row: OrganizationRow): Promise<void> {
  await db.insertInto('organizations').values(row).execute();
}

/** The organization if it exists and is not deleted. */
export async function findLiveOrganization(db: Db, id: string): Promise<OrganizationRow | undefined> {
  return db
    .selectFrom('organizations')
    .selectAll()
    .where('id', '=', id)
    .where('deleted_at', 'is', null)
    .executeTakeFirst();
}

/** The organization whether deleted or not. */
export async function findOrganization(db: Db, id: string): Promise<OrganizationRow | undefined> {
  return db.selectFrom('organizations').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function listOrganizations(db: Db): Promise<OrganizationRow[]> {
  return db.selectFrom('organizations').selectAll().orderBy('created_at').orderBy('id').execute();
}

/** Marks a live organization deleted; false when there was none to delete. */
export async function markDeleted(db: Db, id: string, now: string): Promise<boolean> {
  const result = await db
    .updateTable('organizations')
    .set({ deleted_at: now, updated_at: now })
    .where('id', '=', id)
    .where('deleted_at', 'is', null)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** Clears the deletion mark set at `deletedAt`; false when the row changed meanwhile. */
export async function clearDeleted(db: Db, id: string, deletedAt: string, now: string): Promise<boolean> {
  const result = await db
    .updateTable('organizations')
    .set({ deleted_at: null, updated_at: now })
    .where('id', '=', id)
    .where('deleted_at', '=', deletedAt)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** Removes an organization; ON DELETE CASCADE removes every row that belongs to it. */
export async function deleteOrganizationRow(db: Db, id: string): Promise<boolean> {
  const result = await db.deleteFrom('organizations').where('id', '=', id).executeTakeFirst();
  return result.numDeletedRows > 0n;
}

/** Removes every organization deleted before `cutoff` (with its rows, by cascade); returns how many. */
export async function deleteOrganizationsDeletedBefore(db: Db, cutoff: string): Promise<number> {
  const result = await db
    .deleteFrom('organizations')
    .where('deleted_at', 'is not', null)
    .where('deleted_at', '<', cutoff)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
