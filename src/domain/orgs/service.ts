import { isoNow } from '../../clock.js';
import { createApiKeyIn, type CreatedApiKey } from '../api-keys/service.js';
import { isUniqueViolation } from '../../db/dialect.js';
import type { DomainContext } from '../context.js';
import { normalizeEmail } from '../customers/email.js';
import { DomainError } from '../errors.js';
import { newId } from '../ids.js';
import { insertOrganization } from './repository.js';

export interface OrganizationInput {
  name: string;
  email?: string | null;
}

export interface CreatedOrganization {
  organizationId: string;
  firstKey: CreatedApiKey;
}

/** Creates an organization and its first ext-v1 API key together: an organization without a key is unusable. */
export async function createOrganizationWithKey(
  ctx: DomainContext,
  input: OrganizationInput,
  keyName = 'default',
): Promise<CreatedOrganization> {
  const now = isoNow(ctx.clock);
  const organizationId = newId();
  return ctx.database.db.transaction().execute(async (trx) => {
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
    return { organizationId, firstKey };
  });
}
