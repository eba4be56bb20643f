import type { Db } from '../../db/connect.js';
import { prepared } from '../../db/prepared.js';
import type { CategoriesTable } from '../../db/schema.js';
import type { Selectable } from 'kysely';

export type CategoryRow = Selectable<CategoriesTable>;

/**
 * Inserts unless the organization already has a category with this name_key, atomically (INSERT … ON CONFLICT
 * DO NOTHING): returns whether this call created the row.
 */
export async function insertCategoryIfAbsent(db: Db, row: CategoryRow): Promise<boolean> {
  const inserted = await db
    .insertInto('categories')
    .values(row)
    .onConflict((oc) => oc.columns(['organization_id', 'name_key']).doNothing())
    .returning('id')
    .executeTakeFirst();
  return inserted !== undefined;
}

export async function findCategoryByNameKey(
  db: Db,
  organizationId: string,
  nameKey: string,
): Promise<CategoryRow | undefined> {
  return db
    .selectFrom('categories')
    .selectAll()
    .where('organization_id', '=', organizationId)
    .where('name_key', '=', nameKey)
    .executeTakeFirst();
}

// Read on every new ticket, to classify it: compiled once (db/prepared.ts).
const categoriesOf = prepared((db: Db, organizationId: string) =>
  db.selectFrom('categories').selectAll().where('organization_id', '=', organizationId).orderBy('name_key').orderBy('id'),
);

/** The organization's categories by lower-cased name. */
export async function listCategoryRows(db: Db, organizationId: string): Promise<CategoryRow[]> {
  return categoriesOf(db, organizationId);
}
