import type { Db } from '../../db/connect.js';
import { prepared } from '../../db/prepared.js';
import type { ApiKeyRow } from '../../db/schema.js';

export async function insertApiKey(db: Db, row: ApiKeyRow): Promise<void> {
  await db.insertInto('api_keys').values(row).execute();
}

// Runs on every ext-v1 request: compiled once (db/prepared.ts).
const keyByHash = prepared((db: Db, keyHash: string) =>
  db
    .selectFrom('api_keys')
    .innerJoin('organizations', 'organizations.id', 'api_keys.organization_id')
    .select([
      'api_keys.id',
      'api_keys.organization_id',
      'api_keys.key_hash',
      'api_keys.expires_at',
      'api_keys.revoked_at',
      'organizations.deleted_at as organization_deleted_at',
    ])
    .where('api_keys.key_hash', '=', keyHash),
);

export type KeyForAuthentication = Awaited<ReturnType<typeof keyByHash>>[number];

/** A key found by its hash, with the organization's deletion state, for authentication. */
export async function findKeyByHash(db: Db, keyHash: string): Promise<KeyForAuthentication | undefined> {
  return (await keyByHash(db, keyHash))[0];
}

export async function listKeysOf(db: Db, organizationId: string): Promise<ApiKeyRow[]> {
  return db
    .selectFrom('api_keys')
    .selectAll()
    .where('organization_id', '=', organizationId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
}

export async function findKey(db: Db, keyId: string): Promise<ApiKeyRow | undefined> {
  return db.selectFrom('api_keys').selectAll().where('id', '=', keyId).executeTakeFirst();
}

export async function setRevokedAt(db: Db, keyId: string, revokedAt: string): Promise<void> {
  await db.updateTable('api_keys').set({ revoked_at: revokedAt }).where('id', '=', keyId).execute();
}

export async function touchLastUsed(db: Db, keyId: string, usedAt: string): Promise<void> {
  await db.updateTable('api_keys').set({ last_used_at: usedAt }).where('id', '=', keyId).execute();
}
