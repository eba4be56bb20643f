import { isoNow } from '../../clock.js';
import { isUniqueViolation } from '../../db/dialect.js';
import type { Db } from '../../db/connect.js';
import type { DomainContext } from '../context.js';
import { isPlausibleEmail, normalizeEmail } from '../customers/email.js';
import { DomainError } from '../errors.js';
import { newId } from '../ids.js';
import { findLiveOrganization } from '../orgs/repository.js';
import { hashPassword, MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from './password.js';
import { insertUser } from './repository.js';

export const USER_ROLES = ['admin', 'agent'] as const;
export type UserRole = (typeof USER_ROLES)[number];

export function isUserRole(value: unknown): value is UserRole {
  return typeof value === 'string' && (USER_ROLES as readonly string[]).includes(value);
}

export interface NewUserInput {
  email: string;
  role: UserRole;
  password: string;
}

/** Why a password is refused (completing "password …"), or null when it is acceptable. */
export function passwordReason(password: string): string | null {
  if (password.length < MIN_PASSWORD_LENGTH) return `must be at least ${MIN_PASSWORD_LENGTH} characters long`;
  if (password.length > MAX_PASSWORD_LENGTH) return `must be at most ${MAX_PASSWORD_LENGTH} characters long`;
  return null;
}

/** Checks a new user's email and password; returns the normalized email. */
export function validateNewUser(input: NewUserInput): string {
  const email = normalizeEmail(input.email);
  if (!isPlausibleEmail(email)) throw new DomainError({ code: 'invalid_input', field: 'email', reason: 'is not a valid email address' });
  const reason = passwordReason(input.password);
  if (reason) throw new DomainError({ code: 'invalid_input', field: 'password', reason });
  return email;
}

/**
 * Inserts a validated user (see validateNewUser) with an already computed password hash, inside the caller's
 * transaction if it has one. A taken email is user_email_taken, decided by the unique index.
 */
export async function insertNewUser(
  db: Db,
  organizationId: string,
  user: { email: string; role: UserRole; passwordHash: string },
  now: string,
): Promise<string> {
  const id = newId();
  try {
    await insertUser(db, {
      id,
      organization_id: organizationId,
      email: user.email,
      role: user.role,
      password_hash: user.passwordHash,
      created_at: now,
      updated_at: now,
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw new DomainError({ code: 'user_email_taken' });
    throw error;
  }
  return id;
}

/** Creates a dashboard user of a live organization. Emails are unique across the installation (index-enforced). */
export async function createUser(ctx: DomainContext, organizationId: string, input: NewUserInput): Promise<string> {
  const { db } = ctx.database;
  const email = validateNewUser(input);
  if (!(await findLiveOrganization(db, organizationId))) throw new DomainError({ code: 'organization_not_found' });
  const passwordHash = await hashPassword(input.password);
  return insertNewUser(db, organizationId, { email, role: input.role, passwordHash }, isoNow(ctx.clock));
}
