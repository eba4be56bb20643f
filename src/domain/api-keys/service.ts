import { isoNow } from '../../clock.js';
import type { Db } from '../../db/connect.js';
import type { ApiKeyRow } from '../../db/schema.js';
import { inTransaction } from '../../db/transaction.js';
import type { DomainContext } from '../context.js';
import { DomainError } from '../errors.js';
import { newId } from '../ids.js';
import { findLiveOrganization } from '../orgs/repository.js';
import { digestsEqual, hashSecret } from '../secrets.js';
import { displayPrefix, generateApiKey, looksLikeApiKey } from './format.js';
import { keyForAuthentication } from './key-cache.js';
import { findKey, insertApiKey, listKeysOf, setRevokedAt, touchLastUsed } from './repository.js';

export interface CreatedApiKey {
  keyId: string;
  /** The full key. It exists only in this value: the database keeps its hash. */
  apiKey: string;
  prefix: string;
  name: string;
  createdAt: string;
}

/** What a key may show once created: everything but the secret. */
export type ApiKeySummary = Omit<ApiKeyRow, 'key_hash' | 'organization_id'>;

export async function createApiKeyIn(db: Db, organizationId: string, name: string, now: string): Promise<CreatedApiKey> {
  const apiKey = generateApiKey();
  const keyId = newId();
  const prefix = displayPrefix(apiKey);
  await insertApiKey(db, {
    id: keyId,
    organization_id: organizationId,
    name,
    prefix,
    key_hash: hashSecret(apiKey),
    created_at: now,
    last_used_at: null,
    expires_at: null,
    revoked_at: null,
  });
  return { keyId, apiKey, prefix, name, createdAt: now };
}

export async function createApiKey(ctx: DomainContext, organizationId: string, name: string): Promise<CreatedApiKey> {
  const { db } = ctx.database;
  if (!(await findLiveOrganization(db, organizationId))) throw new DomainError({ code: 'organization_not_found' });
  return createApiKeyIn(db, organizationId, name, isoNow(ctx.clock));
}

export async function listApiKeys(ctx: DomainContext, organizationId: string): Promise<ApiKeySummary[]> {
  const { db } = ctx.database;
  if (!(await findLiveOrganization(db, organizationId))) throw new DomainError({ code: 'organization_not_found' });
  const rows = await listKeysOf(db, organizationId);
  return rows.map(({ key_hash: _hash, organization_id: _org, ...summary }) => summary);
}

/**
 * Revokes a key at once. With `organizationId`, a key of another organization is treated as missing; the CLI,
 * which acts for the operator, passes none.
 */
export async function revokeApiKey(ctx: DomainContext, keyId: string, organizationId?: string): Promise<void> {
  const { db } = ctx.database;
  const key = await findKey(db, keyId);
  if (!key || (organizationId !== undefined && key.organization_id !== organizationId)) {
    throw new DomainError({ code: 'api_key_not_found' });
  }
  // A key still in a roll's grace period (revoked_at in the future) is revoked now too.
  const now = isoNow(ctx.clock);
  if (key.revoked_at === null || key.revoked_at > now) await setRevokedAt(db, keyId, now);
}

/** One key of an organization, without its hash; a key of another organization is treated as missing. */
export async function getApiKey(ctx: DomainContext, organizationId: string, keyId: string): Promise<ApiKeySummary> {
  const key = await findKey(ctx.database.db, keyId);
  if (!key || key.organization_id !== organizationId) throw new DomainError({ code: 'api_key_not_found' });
  const { key_hash: _hash, organization_id: _org, ...summary } = key;
  return summary;
}

export interface RolledApiKey {
  created: CreatedApiKey;
  /** The old key as it is now: its revoked_at is the end of the grace period. */
  previous: ApiKeySummary;
}

/**
 * Replaces a key: a new key with the same name, and the old one revoked `graceSeconds` from now (0: at once).
 * Both happen in one transaction, so there is never a moment with neither key or with two keys and no end date.
 * authenticateApiKey refuses a key once `revoked_at <= now`, so a future revoked_at is the grace period. Rolling
 * a key already in a grace period keeps the earlier of the two ends; rolling a revoked key is refused.
 */
export async function rollApiKey(
  ctx: DomainContext,
  organizationId: string,
  keyId: string,
  graceSeconds: number,
): Promise<RolledApiKey> {
  const { dialect } = ctx.database;
  const now = ctx.clock.now();
  const nowIso = now.toISOString();
  return inTransaction(ctx.database, async (trx) => {
    const key = await dialect.forUpdate(trx.selectFrom('api_keys').selectAll().where('id', '=', keyId)).executeTakeFirst();
    if (!key || key.organization_id !== organizationId) throw new DomainError({ code: 'api_key_not_found' });
    if (key.revoked_at !== null && key.revoked_at <= nowIso) throw new DomainError({ code: 'api_key_revoked' });
    const graceEnd = new Date(now.getTime() + graceSeconds * 1000).toISOString();
    const revokedAt = key.revoked_at !== null && key.revoked_at < graceEnd ? key.revoked_at : graceEnd;
    await setRevokedAt(trx, keyId, revokedAt);
    const created = await createApiKeyIn(trx, organizationId, key.name, nowIso);
    const { key_hash: _hash, organization_id: _org, ...summary } = key;
    return { created, previous: { ...summary, revoked_at: revokedAt } };
  });
}

export interface ApiKeyPrincipal {
  organizationId: string;
  keyId: string;
}

/** How often `last_used_at` is written per key: often enough for people, rare enough not to cost reads. */
const LAST_USED_RESOLUTION_MS = 60_000;
const lastUsedWrites = new Map<string, number>();

/** The organization a presented key acts for, or null for a missing, unknown, revoked or expired key. */
export async function authenticateApiKey(
  ctx: DomainContext,
  presented: string | undefined,
): Promise<ApiKeyPrincipal | null> {
  if (!presented || !looksLikeApiKey(presented)) return null;
  const digest = hashSecret(presented);
  const key = await keyForAuthentication(ctx.database, digest);
  if (!key || !digestsEqual(key.key_hash, digest)) return null;
  const now = ctx.clock.now();
  if (key.revoked_at !== null && Date.parse(key.revoked_at) <= now.getTime()) return null;
  if (key.expires_at !== null && Date.parse(key.expires_at) <= now.getTime()) return null;
  if (key.organization_deleted_at !== null) return null;
  recordUse(ctx, key.id, now);
  return { organizationId: key.organization_id, keyId: key.id };
}

function recordUse(ctx: DomainContext, keyId: string, now: Date): void {
  const last = lastUsedWrites.get(keyId) ?? 0;
  if (now.getTime() - last < LAST_USED_RESOLUTION_MS) return;
  lastUsedWrites.set(keyId, now.getTime());
  // Best effort and off the request path: a lost "last used" time is not worth failing or slowing a request.
  touchLastUsed(ctx.database.db, keyId, now.toISOString()).catch(() => lastUsedWrites.delete(keyId));
}
