// Integration tokens: what an organization gets in exchange for its id and secret (POST /v2/integrations/token),
// and what it presents as `Authorization: Bearer <token>` to Telemap's administrative endpoints. Opaque random
// strings, stored only as a SHA-256 digest, valid for 90 days. Minting one revokes no other while the organization
// has fewer than MAX_LIVE_INTEGRATION_TOKENS live ones; past that, the oldest go, so that a client minting a token
// per call cannot grow the table without bound. DELETE /v2/integrations/token revokes the presented token.
import type { DomainContext } from '../context.js';
import { isUuid, newId } from '../ids.js';
import { findOrganization } from '../orgs/repository.js';
import { digestsEqual, generateSecret, hashSecret } from '../secrets.js';
import { inTransaction } from '../../db/transaction.js';
import { deleteToken, findTokenByHash, insertToken, lockOrganizationTokens, trimTokens } from './repository.js';

export const INTEGRATION_TOKEN_PREFIX = 'tlmt_';
const RANDOM_LENGTH = 48;
export const INTEGRATION_TOKEN_TTL_MS = 90 * 24 * 60 * 60 * 1000;
/** Live tokens an organization may hold at once; minting one more revokes the oldest (docs/security.md). */
export const MAX_LIVE_INTEGRATION_TOKENS = 20;

/** Compared against when the organization is unknown, so that an unknown id costs the same as a wrong secret. */
const NO_SECRET_DIGEST = hashSecret('telemap: no organization has this secret');

export interface MintedToken {
  token: string;
  tokenId: string;
  expiresAt: string;
}

export interface TokenPrincipal {
  organizationId: string;
  tokenId: string;
}

/**
 * Exchanges an organization id and its secret for a new token. Null when the id is unknown, the secret is wrong,
 * the organization has no secret or is deleted: the caller cannot tell these apart, by design.
 */
export async function exchangeSecretForToken(
  ctx: DomainContext,
  organizationId: string,
  secret: string,
): Promise<MintedToken | null> {
  const { db } = ctx.database;
  const presented = hashSecret(secret);
  const organization = isUuid(organizationId) ? await findOrganization(db, organizationId.toLowerCase()) : undefined;
  const stored = organization?.secret_hash ?? NO_SECRET_DIGEST;
  const matches = digestsEqual(stored, presented);
  if (!organization || organization.secret_hash === null || organization.deleted_at !== null || !matches) return null;

  const token = generateSecret(INTEGRATION_TOKEN_PREFIX, RANDOM_LENGTH);
  const now = ctx.clock.now();
  const tokenId = newId();
  const expiresAt = new Date(now.getTime() + INTEGRATION_TOKEN_TTL_MS).toISOString();
  await inTransaction(ctx.database, async (trx) => {
    await lockOrganizationTokens(trx, ctx.database.dialect, organization.id);
    await insertToken(trx, {
      id: tokenId,
      organization_id: organization.id,
      token_hash: hashSecret(token),
      created_at: now.toISOString(),
      expires_at: expiresAt,
    });
    await trimTokens(trx, organization.id, tokenId, MAX_LIVE_INTEGRATION_TOKENS - 1, now.toISOString());
  });
  return { token, tokenId, expiresAt };
}

function looksLikeToken(value: string): boolean {
  return value.startsWith(INTEGRATION_TOKEN_PREFIX) && value.length >= INTEGRATION_TOKEN_PREFIX.length + 32 && value.length <= 200;
}

/** The organization a presented token acts for, or null for a missing, unknown or expired token or a deleted organization. */
export async function authenticateIntegrationToken(
  ctx: DomainContext,
  presented: string | undefined,
): Promise<TokenPrincipal | null> {
  if (!presented || !looksLikeToken(presented)) return null;
  const digest = hashSecret(presented);
  const token = await findTokenByHash(ctx.database.db, digest);
  if (!token || !digestsEqual(token.token_hash, digest)) return null;
  if (Date.parse(token.expires_at) <= ctx.clock.now().getTime()) return null;
  if (token.organization_deleted_at !== null) return null;
  return { organizationId: token.organization_id, tokenId: token.id };
}

/** Revokes the token the caller presented (it authenticated this request); false when it was revoked meanwhile. */
export async function revokeIntegrationToken(ctx: DomainContext, principal: TokenPrincipal): Promise<boolean> {
  return deleteToken(ctx.database.db, principal.organizationId, principal.tokenId);
}
