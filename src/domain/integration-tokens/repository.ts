import type { Db } from '../../db/connect.js';
import type { DialectSpec } from '../../db/dialect.js';
import type { Selectable } from 'kysely';
import type { IntegrationTokensTable } from '../../db/schema.js';

export type IntegrationTokenRow = Selectable<IntegrationTokensTable>;

export async function insertToken(db: Db, row: IntegrationTokenRow): Promise<void> {
  await db.insertInto('integration_tokens').values(row).execute();
}

/** A token found by its hash, with its organization's deletion state, for authentication. */
export async function findTokenByHash(db: Db, tokenHash: string) {
  return db
    .selectFrom('integration_tokens')
    .innerJoin('organizations', 'organizations.id', 'integration_tokens.organization_id')
    .select([
      'integration_tokens.id',
      'integration_tokens.organization_id',
      'integration_tokens.token_hash',
      'integration_tokens.expires_at',
      'organizations.deleted_at as organization_deleted_at',
    ])
    .where('integration_tokens.token_hash', '=', tokenHash)
    .executeTakeFirst();
}

/** Serializes the minting of one organization's tokens (PostgreSQL; SQLite has a single writer already). */
export async function lockOrganizationTokens(db: Db, dialect: DialectSpec, organizationId: string): Promise<void> {
  await dialect.forUpdate(db.selectFrom('organizations').select('id').where('id', '=', organizationId)).execute();
}

/**
 * Deletes the organization's expired tokens, and its live ones other than `keepId` past the newest `keepOthers`:
 * the oldest, those closest to expiring, go first.
 */
export async function trimTokens(db: Db, organizationId: string, keepId: string, keepOthers: number, now: string): Promise<void> {
  await db.deleteFrom('integration_tokens').where('organization_id', '=', organizationId).where('expires_at', '<=', now).execute();
  const live = await db
    .selectFrom('integration_tokens')
    .select('id')
    .where('organization_id', '=', organizationId)
    .where('id', '!=', keepId)
    .orderBy('expires_at', 'desc')
    .orderBy('id', 'desc')
    .execute();
  const surplus = live.slice(keepOthers).map((row) => row.id);
  if (surplus.length > 0) await db.deleteFrom('integration_tokens').where('id', 'in', surplus).execute();
}

/** Deletes one token of the organization; false when it was gone already. */
export async function deleteToken(db: Db, organizationId: string, tokenId: string): Promise<boolean> {
  const result = await db
    .deleteFrom('integration_tokens')
    .where('organization_id', '=', organizationId)
    .where('id', '=', tokenId)
    .executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}
