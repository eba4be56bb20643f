import { isoNow } from '../../clock.js';
import type { Db } from '../../db/connect.js';
import { inOneStatement } from '../../db/transaction.js';
import { isUniqueViolation } from '../../db/dialect.js';
import type { CustomerRow, CustomerUpdate } from '../../db/schema.js';
import type { DomainContext } from '../context.js';
import { DomainError } from '../errors.js';
import { newId } from '../ids.js';
import { normalizeEmail } from './email.js';
import {
  findCustomerByEmail,
  findCustomerLinkByEmail,
  findCustomerIdsByEmails,
  findCustomerWithLinks,
  insertCustomer,
  insertCustomerIfAbsent,
  insertCustomersIfAbsent,
  updateCustomerRow,
  type CustomerRowWithLinks,
} from './repository.js';
import type { Metadata } from '../metadata.js';

/** Declared in domain/metadata.ts; exported here too for the callers that import it from this module. */
export type { Metadata };

export interface CustomerFields {
  email: string;
  name?: string;
  /** null clears it */
  phone?: string | null;
  address?: string | null;
  metadata?: Metadata;
}

export type CustomerPatch = Partial<CustomerFields>;

/** A customer with what it links to: current devices (oldest link first) and order identifiers. */
export interface CustomerRecord {
  customer: CustomerRow;
  metadata: Metadata;
  devices: string[];
  orders: string[];
}

/** Name given to a customer created from an email alone: the part before the `@`. */
export function defaultNameFor(email: string): string {
  return email.slice(0, email.indexOf('@'));
}

export async function createCustomer(ctx: DomainContext, organizationId: string, fields: CustomerFields): Promise<string> {
  const { db } = ctx.database;
  const email = normalizeEmail(fields.email);
  const now = isoNow(ctx.clock);
  const id = newId();
  try {
    await inOneStatement(ctx.database, (statementDb) =>
      insertCustomer(statementDb, {
        id,
        organization_id: organizationId,
        email,
        name: fields.name ?? defaultNameFor(email),
        phone: fields.phone ?? null,
        address: fields.address ?? null,
        metadata: JSON.stringify(fields.metadata ?? {}),
        created_at: now,
        updated_at: now,
      }),
    );
  } catch (error) {
    throw await emailTakenOr(db, organizationId, email, error);
  }
  return id;
}

/** Applies the fields present in `patch`; absent fields keep their value. `metadata`, when sent, replaces. */
export async function updateCustomer(
  ctx: DomainContext,
  organizationId: string,
  id: string,
  patch: CustomerPatch,
): Promise<void> {
  const { db } = ctx.database;
  const set: CustomerUpdate = { updated_at: isoNow(ctx.clock) };
  if (patch.email !== undefined) set.email = normalizeEmail(patch.email);
  if (patch.name !== undefined) set.name = patch.name;
  if (patch.phone !== undefined) set.phone = patch.phone;
  if (patch.address !== undefined) set.address = patch.address;
  if (patch.metadata !== undefined) set.metadata = JSON.stringify(patch.metadata);
  let updated: boolean;
  try {
    updated = await inOneStatement(ctx.database, (statementDb) => updateCustomerRow(statementDb, organizationId, id, set));
  } catch (error) {
    throw await emailTakenOr(db, organizationId, set.email ?? '', error);
  }
  if (!updated) throw new DomainError({ code: 'customer_not_found' });
}

/** A customer found or created by email: enough to link to it and to name it. */
export interface EnsuredCustomer {
  customerId: string;
  wasCreated: boolean;
  /** Normalized, as stored. */
  email: string;
  name: string;
}

/**
 * Finds or creates the customer with this email without a check-then-insert race: the insert yields to the
 * unique index, and exactly one of any concurrent callers reports `wasCreated`.
 */
export async function ensureCustomer(db: Db, organizationId: string, email: string, now: string): Promise<EnsuredCustomer> {
  const normalized = normalizeEmail(email);
  // Most calls name a customer that exists: one read, and no write attempt that would take the write lock.
  const found = await findCustomerLinkByEmail(db, organizationId, normalized);
  if (found) return { customerId: found.id, wasCreated: false, email: normalized, name: found.name };
  const id = newId();
  const name = defaultNameFor(normalized);
  const created = await insertCustomerIfAbsent(db, {
    id,
    organization_id: organizationId,
    email: normalized,
    name,
    phone: null,
    address: null,
    metadata: '{}',
    created_at: now,
    updated_at: now,
  });
  if (created) return { customerId: id, wasCreated: true, email: normalized, name };
  // Created by a concurrent request since the read above: the insert did nothing, and the row is there now.
  const existing = await findCustomerLinkByEmail(db, organizationId, normalized);
  if (!existing) throw new Error('customer vanished between conflict and read');
  return { customerId: existing.id, wasCreated: false, email: normalized, name: existing.name };
}

export async function getCustomerRecord(
  ctx: DomainContext,
  organizationId: string,
  id: string,
): Promise<CustomerRecord | undefined> {
  return withLinks(await findCustomerWithLinks(ctx.database, organizationId, 'id', id));
}

export async function findCustomerRecordByEmail(
  ctx: DomainContext,
  organizationId: string,
  email: string,
): Promise<CustomerRecord | undefined> {
  return withLinks(await findCustomerWithLinks(ctx.database, organizationId, 'email', normalizeEmail(email)));
}

function withLinks(row: CustomerRowWithLinks | undefined): CustomerRecord | undefined {
  if (!row) return undefined;
  const { device_identifiers, order_identifiers, ...customer } = row;
  return {
    customer,
    metadata: JSON.parse(customer.metadata) as Metadata,
    devices: JSON.parse(device_identifiers) as string[],
    orders: JSON.parse(order_identifiers) as string[],
  };
}

/** Turns a unique violation on the email into `customer_email_taken` naming the holder; rethrows anything else. */
async function emailTakenOr(db: Db, organizationId: string, email: string, error: unknown): Promise<unknown> {
  if (!isUniqueViolation(error)) return error;
  const holder = await findCustomerByEmail(db, organizationId, email);
  if (!holder) return error;
  return new DomainError({ code: 'customer_email_taken', customerId: holder.id });
}

/**
 * The set-based form of ensureCustomer for many emails (normalized, distinct): one read of those that exist, then
 * one multi-row INSERT … ON CONFLICT DO NOTHING of the missing ones, in code-unit order of email (the order every
 * writer takes customers in). Returns the emails this call created; the caller reads the ids (and locks the rows).
 */
export async function ensureCustomersExist(
  db: Db,
  organizationId: string,
  emails: readonly string[],
  now: string,
): Promise<Set<string>> {
  const existing = await findCustomerIdsByEmails(db, organizationId, emails);
  const missing = emails.filter((email) => !existing.has(email)).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  if (missing.length === 0) return new Set();
  return insertCustomersIfAbsent(
    db,
    missing.map((email) => ({
      id: newId(),
      organization_id: organizationId,
      email,
      name: defaultNameFor(email),
      phone: null,
      address: null,
      metadata: '{}',
      created_at: now,
      updated_at: now,
    })),
  );
}
