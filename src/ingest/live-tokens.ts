// A device token is checked again for every message, not only at CONNECT: a token revoked or replaced while its
// device is connected must stop working at once, in every process, and only the database knows. One query per
// batch of messages (ingest-queue.ts) keeps that check cheap.
import type { Db } from '../db/connect.js';

/** Bound parameters per statement, well under both dialects' limits. */
const CHUNK = 1000;

/** Of the given token hashes, those still stored for the given device, in an organization not deleted. */
export async function liveTokenHashes(
  db: Db,
  tokens: ReadonlyArray<{ tokenHash: string; deviceId: string }>,
): Promise<Set<string>> {
  const live = new Set<string>();
  for (let start = 0; start < tokens.length; start += CHUNK) {
    for (const hash of await liveOf(db, tokens.slice(start, start + CHUNK))) live.add(hash);
  }
  return live;
}

async function liveOf(db: Db, tokens: ReadonlyArray<{ tokenHash: string; deviceId: string }>): Promise<string[]> {
  const rows = await db
    .selectFrom('device_tokens')
    .innerJoin('organizations', 'organizations.id', 'device_tokens.organization_id')
    .select(['device_tokens.token_hash', 'device_tokens.device_id'])
    .where(
      'device_tokens.token_hash',
      'in',
      tokens.map((t) => t.tokenHash),
    )
    .where('organizations.deleted_at', 'is', null)
    .execute();
  const deviceOf = new Map(tokens.map((t) => [t.tokenHash, t.deviceId]));
  return rows.filter((row) => deviceOf.get(row.token_hash) === row.device_id).map((row) => row.token_hash);
}
