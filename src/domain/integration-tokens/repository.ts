import type { Db } from '../../db/connect.js';
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
