// Dashboard sessions. The cookie holds a random 256-bit token; the database holds only its SHA-256 digest, so a
// leaked sessions table cannot be replayed. The CSRF token of a session is derived from the session token (an
// HMAC-like digest under a distinct label): nothing extra to store, and it cannot be computed without the cookie.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { DomainContext } from '../context.js';
import { hashSecret } from '../secrets.js';
import { decoyHash, verifyPassword } from '../users/password.js';
import { findUserForSignIn } from '../users/repository.js';
import { normalizeEmail } from '../customers/email.js';
import type { UserRole } from '../users/service.js';

/** Absolute lifetime of a session; signing in again starts a new one. */
export const SESSION_TTL_MS = 12 * 60 * 60 * 1000;

export interface SessionUser {
  sessionId: string;
  userId: string;
  organizationId: string;
  organizationName: string;
  email: string;
  role: UserRole;
  /** The token forms and x-csrf-token must echo on state-changing requests. */
  csrfToken: string;
}

export function csrfTokenFor(sessionToken: string): string {
  return createHash('sha256').update(`telemap-csrf:${sessionToken}`, 'utf8').digest('base64url');
}

/** Constant-time comparison of a presented CSRF token with the expected one. */
export function csrfTokenMatches(expected: string, presented: unknown): boolean {
  if (typeof presented !== 'string') return false;
  const a = Buffer.from(expected, 'utf8');
  const b = Buffer.from(presented, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Checks an email and password. Returns the new session token, or null when they do not match a user of a live
 * organization. An unknown email costs the same scrypt work as a wrong password, so timing does not reveal which.
 */
export async function signIn(ctx: DomainContext, email: string, password: string): Promise<string | null> {
  const { db } = ctx.database;
  const user = await findUserForSignIn(db, normalizeEmail(email));
  if (!user) {
    await verifyPassword(password, await decoyHash());
    return null;
  }
  const matches = await verifyPassword(password, user.password_hash);
  if (!matches || user.organization_deleted_at !== null || user.disabled_at !== null) return null;
  const token = randomBytes(32).toString('base64url');
  const now = ctx.clock.now();
  await db
    .insertInto('sessions')
    .values({
      id: hashSecret(token),
      user_id: user.id,
      created_at: now.toISOString(),
      expires_at: new Date(now.getTime() + SESSION_TTL_MS).toISOString(),
    })
    .execute();
  return token;
}

/** The signed-in user behind a session token, or null when it is unknown, expired or its organization deleted. */
export async function resolveSession(ctx: DomainContext, token: string | undefined): Promise<SessionUser | null> {
  if (!token || token.length > 200) return null;
  const row = await ctx.database.db
    .selectFrom('sessions')
    .innerJoin('users', 'users.id', 'sessions.user_id')
    .innerJoin('organizations', 'organizations.id', 'users.organization_id')
    .select([
      'sessions.id as session_id',
      'sessions.expires_at',
      'users.id as user_id',
      'users.email',
      'users.role',
      'users.organization_id',
      'organizations.name as organization_name',
      'organizations.deleted_at',
    ])
    .where('sessions.id', '=', hashSecret(token))
    // A disabled user's sessions are deleted when they are disabled; this also holds for one racing that.
    .where('users.disabled_at', 'is', null)
    .executeTakeFirst();
  if (!row || row.deleted_at !== null) return null;
  if (Date.parse(row.expires_at) <= ctx.clock.now().getTime()) return null;
  return {
    sessionId: row.session_id,
    userId: row.user_id,
    organizationId: row.organization_id,
    organizationName: row.organization_name,
    email: row.email,
    role: row.role as UserRole,
    csrfToken: csrfTokenFor(token),
  };
}

export async function signOut(ctx: DomainContext, token: string): Promise<void> {
  const now = ctx.clock.now().toISOString();
  await ctx.database.db.deleteFrom('sessions').where('id', '=', hashSecret(token)).execute();
  // Expired sessions of everyone are swept on the way out; they are refused anyway, this only keeps the table small.
  await ctx.database.db.deleteFrom('sessions').where('expires_at', '<=', now).execute();
}
