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
      'users.disabled_at',
      'organizations.deleted_at as organization_deleted_at',
    ])
    .where('users.email', '=', email)
    .executeTakeFirst();
}

export interface UserSummary {
  id: string;
  email: string;
  role: string;
  createdAt: string;
  disabledAt: string | null;
  /** True once the person has set a password (an invited user has not yet). */
  hasPassword: boolean;
}

/** The organization's users, by e-mail. */
export async function listUsers(db: Db, organizationId: string, options: { activeOnly?: boolean } = {}): Promise<UserSummary[]> {
  let query = db
    .selectFrom('users')
    .select(['id', 'email', 'role', 'created_at', 'disabled_at', 'password_hash'])
    .where('organization_id', '=', organizationId);
  if (options.activeOnly) query = query.where('disabled_at', 'is', null);
  const rows = await query.orderBy('email').execute();
  return rows.map((r) => ({
    id: r.id,
    email: r.email,
    role: r.role,
    createdAt: r.created_at,
    disabledAt: r.disabled_at,
    hasPassword: r.password_hash.startsWith('scrypt$'),
  }));
}

export async function findUserInOrg(db: Db, organizationId: string, userId: string) {
  return db.selectFrom('users').selectAll().where('organization_id', '=', organizationId).where('id', '=', userId).executeTakeFirst();
}
