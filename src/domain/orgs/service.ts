import { isoNow } from '../../clock.js';
import { createApiKeyIn, type CreatedApiKey } from '../api-keys/service.js';
import { isUniqueViolation } from '../../db/dialect.js';
import { inTransaction } from '../../db/transaction.js';
import type { DomainContext } from '../context.js';
import { normalizeEmail } from '../customers/email.js';
import { DomainError } from '../errors.js';
import { newId } from '../ids.js';
import { hashPassword } from '../users/password.js';
import { insertNewUser, validateNewUser } from '../users/service.js';
import { insertOrganization } from './repository.js';

export interface OrganizationInput {
  name: string;
  email?: string | null;
}

export interface CreatedOrganization {
  organizationId: string;
  firstKey: CreatedApiKey;
  /** Set when a first dashboard admin was asked for. */
  adminUserId?: string;
}

/**
 * Creates an organization, its first ext-v1 API key and, when asked, its first dashboard admin, in one
 * transaction: an organization without a key is unusable, and one whose admin could not be made is not what the
 * operator asked for.
 */
export async function createOrganizationWithKey(
  ctx: DomainContext,
  input: OrganizationInput,
  keyName = 'default',
  firstAdmin?: { email: string; password: string },
): Promise<CreatedOrganization> {
  const now = isoNow(ctx.clock);
  const organizationId = newId();
  // Validated and hashed (slow, by design) before the transaction, so that no lock is held meanwhile.
  const admin = firstAdmin && {
    email: validateNewUser({ ...firstAdmin, role: 'admin' }),
    role: 'admin' as const,
    passwordHash: await hashPassword(firstAdmin.password),
  };
  return inTransaction(ctx.database, async (trx) => {
    try {
      await insertOrganization(trx, {
        id: organizationId,
        name: input.name,
        email: input.email ? normalizeEmail(input.email) : null,
        secret_hash: null,
        secret_masked: null,
        created_at: now,
        updated_at: now,
        deleted_at: null,
      });
    } catch (error) {
      // The only unique column written here is the live email (organizations_live_email).
      if (isUniqueViolation(error)) throw new DomainError({ code: 'organization_email_taken' });
      throw error;
    }
    const firstKey = await createApiKeyIn(trx, organizationId, keyName, now);
    if (!admin) return { organizationId, firstKey };
    const adminUserId = await insertNewUser(trx, organizationId, admin, now);
    return { organizationId, firstKey, adminUserId };
  });
}
