// The organization's help desk settings: its support address, the Reply-To of the e-mails that carry agents'
// replies to customers, so that the customer's answer lands in the company's own mailbox.
import { isoNow } from '../../clock.js';
import type { DomainContext } from '../context.js';
import { isPlausibleEmail, normalizeEmail } from '../customers/email.js';
import { DomainError } from '../errors.js';
import { findLiveOrganization } from '../orgs/repository.js';

export async function getSupportEmail(ctx: DomainContext, organizationId: string): Promise<string | null> {
  const row = await ctx.database.db
    .selectFrom('organization_settings')
    .select('support_email')
    .where('organization_id', '=', organizationId)
    .executeTakeFirst();
  return row?.support_email ?? null;
}

/** Sets (or, with null, clears) the support address. */
export async function setSupportEmail(ctx: DomainContext, organizationId: string, raw: string | null): Promise<string | null> {
  const email = raw === null || raw.trim() === '' ? null : normalizeEmail(raw);
  if (email !== null && !isPlausibleEmail(email)) throw new DomainError({ code: 'invalid_input', field: 'supportEmail', reason: 'is not a valid email address' });
  if (!(await findLiveOrganization(ctx.database.db, organizationId))) throw new DomainError({ code: 'organization_not_found' });
  const now = isoNow(ctx.clock);
  await ctx.database.db
    .insertInto('organization_settings')
    .values({ organization_id: organizationId, support_email: email, updated_at: now })
    .onConflict((oc) => oc.column('organization_id').doUpdateSet({ support_email: email, updated_at: now }))
    .execute();
  return email;
}
