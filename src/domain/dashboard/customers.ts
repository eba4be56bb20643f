// The dashboard's and /api/v1's read model of customers: search, pages, one record.
import type { Db } from '../../db/connect.js';
import type { CustomerRow } from '../../db/schema.js';
import { before, likeContains, toPage, type Page } from './cursor.js';
import { cursorOrFail, parseMetadata, type ListOptions } from './list.js';
import type { Metadata } from '../metadata.js';

export interface CustomerView {
  id: string;
  email: string;
  name: string;
  phone: string | null;
  address: string | null;
  metadata: Metadata;
  createdAt: string;
  updatedAt: string;
}

export function customerView(row: CustomerRow): CustomerView {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    phone: row.phone,
    address: row.address,
    metadata: parseMetadata(row.metadata),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** Customers whose email or name contains `q` (case-insensitive), newest first. */
export async function listCustomers(
  db: Db,
  organizationId: string,
  options: ListOptions & { q?: string | undefined },
): Promise<Page<CustomerView>> {
  const cursor = cursorOrFail(options.cursor);
  let query = db.selectFrom('customers').selectAll().where('organization_id', '=', organizationId);
  const q = options.q?.trim();
  if (q) query = query.where((eb) => eb.or([likeContains('email', q), likeContains('name', q)]));
  if (cursor) query = query.where(before('created_at', 'id', cursor));
  const rows = await query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(options.limit + 1).execute();
  return toPage(rows, options.limit, (r) => r.created_at, customerView);
}

export async function getCustomer(db: Db, organizationId: string, id: string): Promise<CustomerView | undefined> {
  const row = await db
    .selectFrom('customers')
    .selectAll()
    .where('organization_id', '=', organizationId)
    .where('id', '=', id)
    .executeTakeFirst();
  return row && customerView(row);
}
