// What an admin (or an operator with the CLI) does to the people of an organization: invite, change a role,
// disable or enable, set a new password. Every function is scoped to one organization; a user of another one is
// `user_not_found`, like a missing one.
import { isoNow } from '../../clock.js';
import { inTransaction } from '../../db/transaction.js';
import type { DomainContext } from '../context.js';
import { isPlausibleEmail, normalizeEmail } from '../customers/email.js';
import { DomainError } from '../errors.js';
import { hashPassword } from './password.js';
import { findUserInOrg } from './repository.js';
import { insertNewUser, passwordReason, type UserRole } from './service.js';
import { issuePasswordToken } from './tokens.js';

/** Stored for an invited user until they choose a password: not a scrypt hash, so it never verifies. */
export const NO_PASSWORD = 'invited';

/** Creates the user without a password and returns the invite token (for the link), in one transaction. */
export async function inviteUser(ctx: DomainContext, organizationId: string, input: { email: string; role: UserRole }) {
  const email = normalizeEmail(input.email);
  if (!isPlausibleEmail(email)) throw new DomainError({ code: 'invalid_input', field: 'email', reason: 'is not a valid email address' });
  const now = ctx.clock.now();
  return inTransaction(ctx.database, async (trx) => {
    const userId = await insertNewUser(trx, organizationId, { email, role: input.role, passwordHash: NO_PASSWORD }, now.toISOString());
    const token = await issuePasswordToken(trx, { id: userId, organizationId }, 'invite', now);
    return { userId, email, token };
  });
}

async function requireUserIn(ctx: DomainContext, organizationId: string, userId: string) {
  const user = await findUserInOrg(ctx.database.db, organizationId, userId);
  if (!user) throw new DomainError({ code: 'invalid_input', field: 'user', reason: 'is not a user of this organization' });
  return user;
}

/** An admin may not lock the organization out: changing their own role or disabling themselves is refused. */
function notSelf(actingUserId: string | null, userId: string, what: string): void {
  if (actingUserId === userId) throw new DomainError({ code: 'invalid_input', field: 'user', reason: `cannot ${what} yourself; ask another admin` });
}

export async function changeUserRole(ctx: DomainContext, organizationId: string, userId: string, role: UserRole, actingUserId: string | null) {
  notSelf(actingUserId, userId, 'change the role of');
  await requireUserIn(ctx, organizationId, userId);
  await ctx.database.db.updateTable('users').set({ role, updated_at: isoNow(ctx.clock) }).where('id', '=', userId).where('organization_id', '=', organizationId).execute();
}

/** Disabling signs the user out everywhere and spends their open links; their history keeps their name. */
export async function setUserDisabled(ctx: DomainContext, organizationId: string, userId: string, disabled: boolean, actingUserId: string | null) {
  notSelf(actingUserId, userId, 'disable');
  const user = await requireUserIn(ctx, organizationId, userId);
  const now = isoNow(ctx.clock);
  await inTransaction(ctx.database, async (trx) => {
    await trx.updateTable('users').set({ disabled_at: disabled ? now : null, updated_at: now }).where('id', '=', userId).execute();
    if (disabled) {
      await trx.deleteFrom('sessions').where('user_id', '=', userId).execute();
      await trx.updateTable('user_tokens').set({ used_at: now }).where('user_id', '=', userId).where('used_at', 'is', null).execute();
    }
  });
  return user.email;
}

/** Sets a password directly (the CLI) and signs the user out everywhere. */
export async function resetUserPassword(ctx: DomainContext, organizationId: string, userId: string, password: string) {
  const reason = passwordReason(password);
  if (reason) throw new DomainError({ code: 'invalid_input', field: 'password', reason });
  const user = await requireUserIn(ctx, organizationId, userId);
  const passwordHash = await hashPassword(password);
  const now = isoNow(ctx.clock);
  await inTransaction(ctx.database, async (trx) => {
    await trx.updateTable('users').set({ password_hash: passwordHash, updated_at: now }).where('id', '=', userId).execute();
    await trx.deleteFrom('sessions').where('user_id', '=', userId).execute();
    await trx.updateTable('user_tokens').set({ used_at: now }).where('user_id', '=', userId).where('used_at', 'is', null).execute();
  });
  return user.email;
}

/** A reset link for an active user with this e-mail, or null (unknown or disabled: the caller says nothing). */
export async function requestPasswordReset(ctx: DomainContext, rawEmail: string) {
  const email = normalizeEmail(rawEmail);
  const user = await ctx.database.db
    .selectFrom('users')
    .innerJoin('organizations', 'organizations.id', 'users.organization_id')
    .select(['users.id', 'users.organization_id'])
    .where('users.email', '=', email)
    .where('users.disabled_at', 'is', null)
    .where('organizations.deleted_at', 'is', null)
    .executeTakeFirst();
  if (!user) return null;
  const token = await issuePasswordToken(ctx.database.db, { id: user.id, organizationId: user.organization_id }, 'reset', ctx.clock.now());
  return { email, token };
}
