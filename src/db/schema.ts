// Table types as the application sees them. Timestamps are ISO 8601 UTC strings on both dialects
// (PostgreSQL's timestamptz is parsed back to that form in connect.ts); JSON columns hold serialized text
// on both, because PostgreSQL's jsonb rejects the NUL escapes that clients are allowed to send.
import type { Generated, Insertable, Selectable, Updateable } from 'kysely';

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
  /** When the device last reported a reading (receive time); null until it has. */
  last_seen_at: string | null;
  /** Readings of this device refused or dropped (MQTT payloads that failed validation, refused batches). */
  ingest_error_count: Generated<number>;
  last_ingest_error: string | null;
  last_ingest_error_at: string | null;
}

export interface DeviceTokensTable {
  /** At most one live token per device: a new one replaces the row, revoking deletes it. */
  device_id: string;
  organization_id: string;
  token_hash: string;
  created_at: string;
}

/** Reading value kinds, as stored: a number, a boolean (num 0 or 1), a string (txt). */
export const READING_KIND = { number: 0, boolean: 1, string: 2 } as const;
export type ReadingKind = (typeof READING_KIND)[keyof typeof READING_KIND];

/** One key of one device, with its latest reading (the latest-value table). */
export interface TelemetrySeriesTable {
  id: Generated<number>;
  organization_id: string;
  device_id: string;
  key: string;
  latest_ts: number;
  latest_kind: ReadingKind;
  latest_num: number | null;
  latest_txt: string | null;
}

export interface ReadingsTable {
  series_id: number;
  /** Unix time in milliseconds. */
  ts: number;
  kind: ReadingKind;
  num: number | null;
  txt: string | null;
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
  /** The alert a proactive ticket was opened for; null for every other ticket. */
  alert_id: string | null;
  /** The user working on it (migration 0009); null: unassigned. */
  assignee_user_id: Generated<string | null>;
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
  /** 'message' or 'note' (internal). Migration 0009. */
  kind: Generated<string>;
  /** 'user', 'api_key', 'integration', 'customer', 'bot' or 'system'; null on rows older than migration 0009. */
  author_type: Generated<string | null>;
  author_id: Generated<string | null>;
  author_name: Generated<string | null>;
}

/** A change to a ticket (status, priority, assignee, category), for its timeline. Migration 0009. */
export interface TicketEventsTable {
  id: string;
  organization_id: string;
  ticket_id: string;
  seq: number;
  /** The position the next message had when this happened: the change sits before that message. */
  message_position: number;
  type: string;
  from_value: string | null;
  to_value: string | null;
  actor_type: string;
  actor_id: string | null;
  actor_name: string | null;
  created_at: string;
}

/** A single-use link to set a password (an invite or a reset), kept as the hash of its token. Migration 0009. */
export interface UserTokensTable {
  id: string;
  user_id: string;
  organization_id: string;
  purpose: string;
  token_hash: string;
  created_at: string;
  expires_at: string;
  used_at: string | null;
}

/** Help desk settings of an organization (migration 0009). */
export interface OrganizationSettingsTable {
  organization_id: string;
  /** Reply-To of the e-mails that carry agents' replies; null: none set. */
  support_email: string | null;
  updated_at: string;
}

/** The per-account window of failed sign-ins, shared by every process (migration 0009). */
export interface SignInFailuresTable {
  /** Normalized as users.email; also addresses without an account. */
  email: string;
  /** The client address the failures came from. */
  address: string;
  failures: number;
  window_started_at: string;
}

export interface UsersTable {
  id: string;
  organization_id: string;
  /** Trimmed and lower-cased; unique across the installation. */
  email: string;
  role: string;
  password_hash: string;
  created_at: string;
  updated_at: string;
  /** Set when an admin disabled the user: no sign-in, sessions refused (migration 0009). */
  disabled_at: Generated<string | null>;
}

export interface SessionsTable {
  /** SHA-256 digest (hex) of the session token; the token itself is only in the cookie. */
  id: string;
  user_id: string;
  created_at: string;
  expires_at: string;
}

/** Booleans are stored as 0/1 integers on both dialects, so that every caller reads the same values. */
export type StoredBoolean = 0 | 1;

export interface RulesTable {
  id: string;
  organization_id: string;
  name: string;
  device_type: string | null;
  severity: string;
  /** JSON of the condition (kind and its fields). */
  condition: string;
  /** JSON of the clear condition of a threshold rule, or null. */
  clear: string | null;
  create_ticket: StoredBoolean;
  ticket_priority: string;
  notify_owners: StoredBoolean;
  enabled: StoredBoolean;
  created_at: string;
  updated_at: string;
}

export interface RuleStatesTable {
  rule_id: string;
  device_id: string;
  organization_id: string;
  /** JSON: since when the condition holds, consecutive counts, running statistics. */
  state: string;
  /** Unix ms at which a time-based condition becomes true if nothing else arrives; null when none is pending. */
  due_at: number | null;
  updated_at: string;
}

export interface AlertsTable {
  id: string;
  organization_id: string;
  rule_id: string;
  rule_name: string;
  kind: string;
  device_id: string;
  severity: string;
  status: 'open' | 'cleared';
  opened_at: string;
  last_triggered_at: string;
  trigger_count: number;
  acknowledged_at: string | null;
  cleared_at: string | null;
  /** JSON {key, value, ts} of the reading that opened it, or null. */
  reading: string | null;
  /** JSON [{customerId, email, name}]: the owners when it opened. */
  owners: string;
  ticket_id: string | null;
  /** JSON {summary, details, source}. */
  diagnosis: string;
  /** When the optional model may next try to rewrite the diagnosis; null when there is nothing to do. */
  diagnosis_rewrite_at: string | null;
  updated_at: string;
}

export interface OutboxEventsTable {
  /** Also the `webhook-id` receivers deduplicate by. */
  id: string;
  organization_id: string;
  type: string;
  /** JSON of the event's `data`. */
  payload: string;
  created_at: string;
  dispatched_at: string | null;
}

export interface WebhookEndpointsTable {
  id: string;
  organization_id: string;
  url: string;
  /** JSON array of event types, or null: every event. */
  events: string | null;
  format: 'standard' | 'slack';
  description: string | null;
  /** `whsec_…`, as shown at creation: it signs, so it cannot be a hash. Never shown again, never logged. */
  secret: string;
  enabled: StoredBoolean;
  disabled_reason: string | null;
  disabled_at: string | null;
  failing_since: string | null;
  next_send_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface DeliveriesTable {
  id: string;
  organization_id: string;
  event_id: string;
  channel: 'webhook' | 'email';
  /** The endpoint id, or `mailto:<address>`: one delivery per (event, target). */
  target: string;
  endpoint_id: string | null;
  /** E-mail: JSON {customerId, email, name} of the owner, or of the customer a ticket reply goes to (kind ticket_reply). */
  recipient: string | null;
  status: 'pending' | 'delivered' | 'failed';
  /** Attempts started so far. */
  attempt: number;
  /** When the next attempt is due; while one runs, when its lease ends. */
  next_attempt_at: string;
  claim_token: string | null;
  first_attempt_at: string | null;
  response_status: number | null;
  error: string | null;
  delivered_at: string | null;
  created_at: string;
  updated_at: string;
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
  ticket_events: TicketEventsTable;
  user_tokens: UserTokensTable;
  organization_settings: OrganizationSettingsTable;
  sign_in_failures: SignInFailuresTable;
  users: UsersTable;
  sessions: SessionsTable;
  device_tokens: DeviceTokensTable;
  telemetry_series: TelemetrySeriesTable;
  readings: ReadingsTable;
  rules: RulesTable;
  rule_states: RuleStatesTable;
  alerts: AlertsTable;
  outbox_events: OutboxEventsTable;
  webhook_endpoints: WebhookEndpointsTable;
  deliveries: DeliveriesTable;
}

export type OrganizationRow = Selectable<OrganizationsTable>;
export type ApiKeyRow = Selectable<ApiKeysTable>;
export type CustomerRow = Selectable<CustomersTable>;
export type NewCustomer = Insertable<CustomersTable>;
export type CustomerUpdate = Updateable<CustomersTable>;
export type DeviceRow = Selectable<DevicesTable>;
export type TicketRow = Selectable<TicketsTable>;
export type UserRow = Selectable<UsersTable>;
export type SessionRow = Selectable<SessionsTable>;
