// Order identifiers linked to a customer: they appear in the customer record's `orders` (ext-v1 queryCustomer and
// getCustomer). Nothing in ext-v1 writes them; operators link them with `telemap order link`.
import { isoNow } from '../../clock.js';
import type { DomainContext } from '../context.js';
import { normalizeEmail } from '../customers/email.js';
import { findCustomerByEmail, findCustomerById } from '../customers/repository.js';
import { DomainError } from '../errors.js';
import { newId } from '../ids.js';
import { findLiveOrganization } from '../orgs/repository.js';
import { insertOrderIfAbsent } from './repository.js';

export const MAX_ORDER_IDENTIFIER_LENGTH = 255;

export type CustomerRef = { customerId: string } | { customerEmail: string };

/**
 * Links `orderIdentifier` (trimmed) to the customer. Idempotent: linking the same pair again changes nothing and
 * reports `linked: false`. The customer must exist in the organization.
 */
export async function linkOrder(
  ctx: DomainContext,
  organizationId: string,
  customer: CustomerRef,
  orderIdentifier: string,
): Promise<{ customerId: string; linked: boolean }> {
  const { db } = ctx.database;
  const identifier = orderIdentifier.trim();
  if (identifier === '') throw new DomainError({ code: 'invalid_input', field: 'order', reason: 'must not be empty' });
  if ([...identifier].length > MAX_ORDER_IDENTIFIER_LENGTH || identifier.includes('\0')) {
    throw new DomainError({ code: 'invalid_input', field: 'order', reason: `must be 1 to ${MAX_ORDER_IDENTIFIER_LENGTH} characters, without NUL` });
  }
  if (!(await findLiveOrganization(db, organizationId))) throw new DomainError({ code: 'organization_not_found' });
  const row =
    'customerId' in customer
      ? await findCustomerById(db, organizationId, customer.customerId)
      : await findCustomerByEmail(db, organizationId, normalizeEmail(customer.customerEmail));
  if (!row) throw new DomainError({ code: 'customer_not_found' });
  const linked = await insertOrderIfAbsent(db, {
    id: newId(),
    organization_id: organizationId,
    customer_id: row.id,
    order_identifier: identifier,
    created_at: isoNow(ctx.clock),
  });
  return { customerId: row.id, linked };
}
