// Table types as the application sees them. Timestamps are ISO 8601 UTC strings on both dialects
// (PostgreSQL's timestamptz is parsed back to that form in connect.ts); JSON columns hold serialized text
// on both, because PostgreSQL's jsonb rejects the NUL escapes that clients are allowed to send.
import type { Insertable, Selectable, Updateable } from 'kysely';

export interface OrganizationsTable {
  id: string;
  name: string;
  email: string | null;
  secret_hash: string | null;
  secret_masked: string | null;
  created_at: string;
  updated_at: string;
  deleted_at: string | null;
}

export interface ApiKeysTable {
  id: string;
  organization_id: string;
  name: string;
  prefix: string;
  key_hash: string;
  created_at: string;
  last_used_at: string | null;
  expires_at: string | null;
  revoked_at: string | null;
}

export interface IntegrationTokensTable {
  id: string;
  organization_id: string;
  token_hash: string;
  created_at: string;
  expires_at: string;
}

export interface CustomersTable {
  id: string;
  organization_id: string;
  email: string;
  name: string;
  phone: string | null;
  address: string | null;
  metadata: string;
  created_at: string;
  updated_at: string;
}

export interface DevicesTable {
  id: string;
  organization_id: string;
  identifier: string;
  type: string | null;
  metadata: string;
  created_at: string;
  updated_at: string;
}

export interface AssignmentsTable {
  id: string;
  organization_id: string;
  device_id: string;
  customer_id: string;
  assigned_at: string;
  unassigned_at: string | null;
  /** Order of the link among the customer's links (1, 2, 3 ...), history included; timestamps can tie. */
  position: number;
}

export interface OrdersTable {
  id: string;
  organization_id: string;
  customer_id: string;
  order_identifier: string;
  created_at: string;
}

export interface CategoriesTable {
  id: string;
  organization_id: string;
  name: string;
  name_key: string;
  keywords: string;
  created_at: string;
}

export interface TicketsTable {
  id: string;
  organization_id: string;
  customer_id: string;
  device_id: string | null;
  category_id: string | null;
  title: string;
  description: string;
  priority: string;
  status: string;
  channel: string;
  created_at: string;
  updated_at: string;
}

export interface TicketMessagesTable {
  id: string;
  organization_id: string;
  ticket_id: string;
  /** Order within the ticket (0, 1, 2 ...); timestamps can tie, so the conversation order is kept explicitly. */
  position: number;
  role: string;
  content: string;
  created_at: string;
}

export interface Tables {
  organizations: OrganizationsTable;
  api_keys: ApiKeysTable;
  integration_tokens: IntegrationTokensTable;
  customers: CustomersTable;
  devices: DevicesTable;
  assignments: AssignmentsTable;
  orders: OrdersTable;
  categories: CategoriesTable;
  tickets: TicketsTable;
  ticket_messages: TicketMessagesTable;
}

export type OrganizationRow = Selectable<OrganizationsTable>;
export type ApiKeyRow = Selectable<ApiKeysTable>;
export type CustomerRow = Selectable<CustomersTable>;
export type NewCustomer = Insertable<CustomersTable>;
export type CustomerUpdate = Updateable<CustomersTable>;
export type DeviceRow = Selectable<DevicesTable>;
export type TicketRow = Selectable<TicketsTable>;
