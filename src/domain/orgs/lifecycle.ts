// The life of an organization provisioned over /v2/integrations: created with a secret, soft-deleted (everything
// it holds is refused at once), restorable for a retention period, then purged with all of its rows.
import { isoNow } from '../../clock.js';
import { isUniqueViolation } from '../../db/dialect.js';
import type { OrganizationRow } from '../../db/schema.js';
import type { DomainContext } from '../context.js';
import { normalizeEmail } from '../customers/email.js';
import { DomainError } from '../errors.js';
import { isUuid, newId } from '../ids.js';
import { generateSecret, hashSecret } from '../secrets.js';
import {
  clearDeleted,
  deleteOrganizationRow,
  deleteOrganizationsDeletedBefore,
  findLiveOrganization,
  findOrganization,
  insertOrganization,
  listOrganizations,
  markDeleted,
} from './repository.js';

export const CUSTOMER_SECRET_PREFIX = 'tlms_';
const SECRET_RANDOM_LENGTH = 40;
const DAY_MS = 24 * 60 * 60 * 1000;

export interface CreatedOrganizationWithSecret {
  organization: OrganizationRow;
  /** The full secret. It exists only in this value: the database keeps its hash and a masked form. */
  secret: string;
}

/** First four and last four characters kept, the rest `*`: enough to tell secrets apart, useless to an attacker. */
export function maskSecret(secret: string): string {
  if (secret.length <= 8) return '*'.repeat(secret.length);
  return secret.slice(0, 4) + '*'.repeat(secret.length - 8) + secret.slice(-4);
}

/**
 * Creates an organization with a customer secret. One live organization per email: the partial unique index
 * organizations_live_email decides, so two concurrent creates cannot both win (no check-then-insert).
 */
export async function createOrganizationWithSecret(
  ctx: DomainContext,
  input: { name: string; email: string },
): Promise<CreatedOrganizationWithSecret> {
  const now = isoNow(ctx.clock);
  const secret = generateSecret(CUSTOMER_SECRET_PREFIX, SECRET_RANDOM_LENGTH);
  const organization: OrganizationRow = {
    id: newId(),
    name: input.name,
    email: normalizeEmail(input.email),
    secret_hash: hashSecret(secret),
    secret_masked: maskSecret(secret),
    created_at: now,
    updated_at: now,
    deleted_at: null,
  };
  try {
    await insertOrganization(ctx.database.db, organization);
  } catch (error) {
    if (isUniqueViolation(error)) throw new DomainError({ code: 'organization_email_taken' });
    throw error;
  }
  return { organization, secret };
}

export async function getLiveOrganization(ctx: DomainContext, organizationId: string): Promise<OrganizationRow> {
  const organization = await findLiveOrganization(ctx.database.db, organizationId);
  if (!organization) throw new DomainError({ code: 'organization_not_found' });
  return organization;
}

export async function listAllOrganizations(ctx: DomainContext): Promise<OrganizationRow[]> {
  return listOrganizations(ctx.database.db);
}

/**
 * Soft delete, effective at once: token and API key authentication check the organization's deleted_at, so
 * every credential of the organization is refused from the moment this commits. The rows stay until purged.
 */
export async function deleteOrganization(ctx: DomainContext, organizationId: string): Promise<void> {
  if (!(await markDeleted(ctx.database.db, organizationId, isoNow(ctx.clock)))) {
    throw new DomainError({ code: 'organization_not_found' });
  }
}

function retentionCutoff(ctx: DomainContext, retentionDays: number): string {
  return new Date(ctx.clock.now().getTime() - retentionDays * DAY_MS).toISOString();
}

/** Undoes a delete within the retention window; its tokens and API keys work again (unless expired meanwhile). */
export async function restoreOrganization(
  ctx: DomainContext,
  organizationId: string,
  retentionDays: number,
): Promise<OrganizationRow> {
  const { db } = ctx.database;
  const organization = isUuid(organizationId) ? await findOrganization(db, organizationId.toLowerCase()) : undefined;
  if (!organization) throw new DomainError({ code: 'organization_not_found' });
  const deletedAt = organization.deleted_at;
  if (deletedAt === null) throw new DomainError({ code: 'organization_not_deleted' });
  if (deletedAt < retentionCutoff(ctx, retentionDays)) {
    throw new DomainError({ code: 'organization_retention_expired', deletedAt });
  }
  const now = isoNow(ctx.clock);
  try {
    // Conditional on the deletion we looked at: a concurrent purge or restore makes this a no-op, reported below.
    if (!(await clearDeleted(db, organization.id, deletedAt, now))) throw new DomainError({ code: 'organization_not_found' });
  } catch (error) {
    // Another live organization took the email while this one was deleted.
    if (isUniqueViolation(error)) throw new DomainError({ code: 'organization_email_taken' });
    throw error;
  }
  return { ...organization, deleted_at: null, updated_at: now };
}

/** Removes an organization and every row it owns at once, deleted or not. */
export async function purgeOrganization(ctx: DomainContext, organizationId: string): Promise<void> {
  const found = isUuid(organizationId) && (await deleteOrganizationRow(ctx.database.db, organizationId.toLowerCase()));
  if (!found) throw new DomainError({ code: 'organization_not_found' });
}

/**
 * Purges the organizations deleted more than `retentionDays` ago, with all their rows (ON DELETE CASCADE; SQLite
 * runs with foreign_keys = ON). It is one `DELETE … WHERE deleted_at < cutoff`: idempotent, and safe when several
 * server processes run it at the same time on one PostgreSQL database: each row is deleted by exactly one of
 * them, the others find nothing left to delete (test/reliability/multi-instance.test.ts starts two processes
 * together, each purging as it starts). Returns how many organizations this call removed.
 */
export async function purgeExpiredOrganizations(ctx: DomainContext, retentionDays: number): Promise<number> {
  return deleteOrganizationsDeletedBefore(ctx.database.db, retentionCutoff(ctx, retentionDays));
}
