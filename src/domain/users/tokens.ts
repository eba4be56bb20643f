// Single-use links to set a password: an invite (a new user chooses their first password) or a reset (a forgotten
// one). The token is random (256 bits) and shown only in the link; the database keeps its SHA-256 digest, when it
// expires and when it was used. Using one sets the password, spends every open link of that user and signs out
// their sessions.
import { randomBytes } from 'node:crypto';
import { isoNow } from '../../clock.js';
import { inTransaction } from '../../db/transaction.js';
import type { Db } from '../../db/connect.js';
import type { DomainContext } from '../context.js';
import { DomainError } from '../errors.js';
import { newId } from '../ids.js';
import { hashSecret } from '../secrets.js';
import { hashPassword } from './password.js';
import { passwordReason } from './service.js';

export type TokenPurpose = 'invite' | 'reset';

export const TOKEN_LIFETIME_MS: Record<TokenPurpose, number> = {
  invite: 7 * 24 * 60 * 60 * 1000,
  reset: 60 * 60 * 1000,
};

/** The path of the page a link opens; the token travels in the query string. */
export const SET_PASSWORD_PATH = '/password/set';

/** Issues a new link token for the user (inside the caller's transaction when given one). Returns the token. */
export async function issuePasswordToken(
  db: Db,
  user: { id: string; organizationId: string },
  purpose: TokenPurpose,
  now: Date,
): Promise<string> {
  const token = randomBytes(32).toString('base64url');
  await db
    .insertInto('user_tokens')
    .values({
      id: newId(),
      user_id: user.id,
      organization_id: user.organizationId,
      purpose,
      token_hash: hashSecret(token),
      created_at: now.toISOString(),
      expires_at: new Date(now.getTime() + TOKEN_LIFETIME_MS[purpose]).toISOString(),
      used_at: null,
    })
    .execute();
  return token;
}

/** The user a still-valid token is for, or null (unknown, used, expired, user disabled). */
export async function findValidToken(ctx: DomainContext, token: string | undefined) {
  if (!token || token.length > 100) return null;
  const row = await ctx.database.db
    .selectFrom('user_tokens')
    .innerJoin('users', 'users.id', 'user_tokens.user_id')
    .select(['user_tokens.id', 'user_tokens.purpose', 'user_tokens.expires_at', 'user_tokens.used_at', 'users.id as user_id', 'users.email', 'users.disabled_at'])
    .where('user_tokens.token_hash', '=', hashSecret(token))
    .executeTakeFirst();
  if (!row || row.used_at !== null || row.disabled_at !== null) return null;
  if (Date.parse(row.expires_at) <= ctx.clock.now().getTime()) return null;
  return { tokenId: row.id, purpose: row.purpose as TokenPurpose, userId: row.user_id, email: row.email };
}

/**
 * Sets the password through a link. The token is spent in the same transaction, claimed by a conditional update
 * (`used_at is null`), so two submissions of one link cannot both succeed. Returns the user's e-mail.
 */
export async function setPasswordWithToken(ctx: DomainContext, token: string | undefined, password: string): Promise<string> {
  const reason = passwordReason(password);
  if (reason) throw new DomainError({ code: 'invalid_input', field: 'password', reason });
  const found = await findValidToken(ctx, token);
  if (!found) throw new DomainError({ code: 'invalid_input', field: 'token', reason: 'is unknown, used or expired' });
  const passwordHash = await hashPassword(password);
  const now = isoNow(ctx.clock);
  await inTransaction(ctx.database, async (trx) => {
    const claimed = await trx
      .updateTable('user_tokens')
      .set({ used_at: now })
      .where('id', '=', found.tokenId)
      .where('used_at', 'is', null)
      .executeTakeFirst();
    if (Number(claimed.numUpdatedRows) !== 1) throw new DomainError({ code: 'invalid_input', field: 'token', reason: 'is unknown, used or expired' });
    await trx.updateTable('user_tokens').set({ used_at: now }).where('user_id', '=', found.userId).where('used_at', 'is', null).execute();
    await trx.updateTable('users').set({ password_hash: passwordHash, updated_at: now }).where('id', '=', found.userId).execute();
    await trx.deleteFrom('sessions').where('user_id', '=', found.userId).execute();
  });
  return found.email;
}
