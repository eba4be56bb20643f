// Customers as the dashboard and /api/v1 list and show them.
import type { Db } from '../../db/connect.js';
import type { CustomerRow } from '../../db/schema.js';
import { likeContains, type Page } from './cursor.js';
import type { Metadata } from '../metadata.js';
import { countRows, parseMetadata, searchPage, searchText, type SearchListOptions } from './list.js';

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

function customerSearch(db: Db, organizationId: string, q: string | undefined) {
  let query = db.selectFrom('customers').where('organization_id', '=', organizationId);
  if (q) {
    query = query.where((eb) =>
      eb.or([likeContains('email', q), likeContains('name', q), likeContains('phone', q), likeContains('address', q)]),
    );
  }
  return query;
}

/** Customers whose email, name, phone or address contains `q` (case-insensitive), newest first, both ways. */
export async function listCustomers(db: Db, organizationId: string, options: SearchListOptions): Promise<Page<CustomerView>> {
  return searchPage(options, (q) => customerSearch(db, organizationId, q).selectAll(), customerView);
}

export async function countCustomers(db: Db, organizationId: string, options: { q?: string | undefined }): Promise<number> {
  return countRows(customerSearch(db, organizationId, searchText(options.q)));
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
