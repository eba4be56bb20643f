import type { Db } from '../../db/connect.js';
import type { Insertable } from 'kysely';
import type { UsersTable } from '../../db/schema.js';

export async function insertUser(db: Db, row: Insertable<UsersTable>): Promise<void> {
  await db.insertInto('users').values(row).execute();
}

/** A user by email, with its organization's deletion state (a deleted organization's users cannot sign in). */
export async function findUserForSignIn(db: Db, email: string) {
  return db
    .selectFrom('users')
    .innerJoin('organizations', 'organizations.id', 'users.organization_id')
    .select([
      'users.id',
      'users.organization_id',
      'users.email',
      'users.role',
      'users.password_hash',
      'organizations.deleted_at as organization_deleted_at',
    ])
    .where('users.email', '=', email)
    .executeTakeFirst();
}
