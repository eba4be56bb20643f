// Webhook endpoints of an organization: where its events go, in which format, and what became of each delivery.
import { isoNow } from '../../clock.js';
import type { Db } from '../../db/connect.js';
import type { DeliveriesTable, WebhookEndpointsTable } from '../../db/schema.js';
import { inTransaction } from '../../db/transaction.js';
import type { DomainContext } from '../context.js';
import { before, decodeCursor, toPage, type Page } from '../dashboard/cursor.js';
import { DomainError } from '../errors.js';
import { isUuid, newId } from '../ids.js';
import { endpointEvents, recordEvent, type EventType } from '../outbox/events.js';
import { generateSigningSecret } from './secret.js';
import type { Selectable } from 'kysely';

export type WebhookFormat = WebhookEndpointsTable['format'];
export const WEBHOOK_FORMATS: readonly WebhookFormat[] = ['standard', 'slack'];
export const URL_MAX_LENGTH = 2048;
export const DESCRIPTION_MAX_LENGTH = 1000;

type EndpointRow = Selectable<WebhookEndpointsTable>;
type DeliveryRow = Selectable<DeliveriesTable>;

export interface WebhookView {
  id: string;
  url: string;
  /** The event types it receives; every type when it was created without a list. */
  events: EventType[];
  format: WebhookFormat;
  description: string | null;
  enabled: boolean;
  /** Why the server disabled it (410 Gone, failing for days); null when enabled or disabled by a person. */
  disabledReason: string | null;
  disabledAt: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface CreatedWebhook extends WebhookView {
  /** The signing secret: in this value only. */
  secret: string;
}

export interface DeliveryView {
  id: string;
  eventId: string;
  type: string;
  attempt: number;
  status: DeliveryRow['status'];
  responseStatus: number | null;
  error: string | null;
  nextAttemptAt: string | null;
  deliveredAt: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface NewWebhook {
  url: string;
  events?: readonly EventType[] | null;
  format?: WebhookFormat;
  description?: string | null;
}

export interface WebhookChanges {
  url?: string;
  events?: readonly EventType[] | null;
  enabled?: boolean;
  description?: string | null;
}

/** An http(s) URL of sane length, else `invalid_input`. Where it points is checked at delivery time. */
export function validWebhookUrl(raw: string): string {
  const value = raw.trim();
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:') || url.hostname === '') {
    throw new DomainError({ code: 'invalid_input', field: 'url', reason: 'must be an http:// or https:// URL' });
  }
  if (value.length > URL_MAX_LENGTH) {
    throw new DomainError({ code: 'invalid_input', field: 'url', reason: `must be at most ${URL_MAX_LENGTH} characters` });
  }
  return value;
}

function storedEvents(events: readonly EventType[] | null | undefined): string | null {
  if (events === undefined || events === null) return null;
  if (events.length === 0) throw new DomainError({ code: 'invalid_input', field: 'events', reason: 'must name at least one event type' });
  return JSON.stringify([...new Set(events)]);
}

function view(row: EndpointRow): WebhookView {
  return {
    id: row.id,
    url: row.url,
    events: endpointEvents(row),
    format: row.format,
    description: row.description,
    enabled: row.enabled === 1,
    disabledReason: row.disabled_reason,
    disabledAt: row.disabled_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function findEndpoint(db: Db, organizationId: string, id: string) {
  if (!isUuid(id)) return Promise.resolve(undefined);
  return db
    .selectFrom('webhook_endpoints')
    .selectAll()
    .where('organization_id', '=', organizationId)
    .where('id', '=', id.toLowerCase())
    .executeTakeFirst();
}

async function endpointOrFail(db: Db, organizationId: string, id: string): Promise<EndpointRow> {
  const row = await findEndpoint(db, organizationId, id);
  if (!row) throw new DomainError({ code: 'webhook_not_found' });
  return row;
}

function cursorOrFail(raw: string | undefined) {
  if (raw === undefined || raw === '') return undefined;
  const cursor = decodeCursor(raw);
  if (!cursor) throw new DomainError({ code: 'invalid_input', field: 'cursor', reason: 'is not a cursor this server produced' });
  return cursor;
}

export async function createWebhook(ctx: DomainContext, organizationId: string, input: NewWebhook): Promise<CreatedWebhook> {
  const now = isoNow(ctx.clock);
  const row: EndpointRow = {
    id: newId(),
    organization_id: organizationId,
    url: validWebhookUrl(input.url),
    events: storedEvents(input.events),
    format: input.format ?? 'standard',
    description: input.description?.trim() || null,
    secret: generateSigningSecret(),
    enabled: 1,
    disabled_reason: null,
    disabled_at: null,
    failing_since: null,
    next_send_at: null,
    created_at: now,
    updated_at: now,
  };
  await ctx.database.db.insertInto('webhook_endpoints').values(row).execute();
  return { ...view(row), secret: row.secret };
}

export async function listWebhooks(
  ctx: DomainContext,
  organizationId: string,
  options: { limit: number; cursor?: string },
): Promise<Page<WebhookView>> {
  const cursor = cursorOrFail(options.cursor);
  let query = ctx.database.db
    .selectFrom('webhook_endpoints')
    .selectAll()
    .where('organization_id', '=', organizationId)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(options.limit + 1);
  if (cursor) query = query.where(before('created_at', 'id', cursor));
  return toPage(await query.execute(), options.limit, (r) => r.created_at, view);
}

export async function getWebhook(ctx: DomainContext, organizationId: string, id: string): Promise<WebhookView> {
  return view(await endpointOrFail(ctx.database.db, organizationId, id));
}

/**
 * Changes an endpoint. Enabling it (again) clears why the server had disabled it and its failure streak, so that
 * it gets five fresh days.
 */
export async function updateWebhook(
  ctx: DomainContext,
  organizationId: string,
  id: string,
  changes: WebhookChanges,
): Promise<WebhookView> {
  const now = isoNow(ctx.clock);
  const set: Partial<EndpointRow> = { updated_at: now };
  if (changes.url !== undefined) set.url = validWebhookUrl(changes.url);
  if (changes.events !== undefined) set.events = storedEvents(changes.events);
  if (changes.description !== undefined) set.description = changes.description?.trim() || null;
  if (changes.enabled === true) Object.assign(set, { enabled: 1, disabled_reason: null, disabled_at: null, failing_since: null });
  if (changes.enabled === false) Object.assign(set, { enabled: 0, disabled_reason: null, disabled_at: now });
  const row = await endpointOrFail(ctx.database.db, organizationId, id);
  await ctx.database.db
    .updateTable('webhook_endpoints')
    .set(set)
    .where('organization_id', '=', organizationId)
    .where('id', '=', row.id)
    .execute();
  return view(await endpointOrFail(ctx.database.db, organizationId, row.id));
}

/** Deletes an endpoint and its deliveries; answers it as it was. */
export async function deleteWebhook(ctx: DomainContext, organizationId: string, id: string): Promise<WebhookView> {
  const row = await endpointOrFail(ctx.database.db, organizationId, id);
  const deleted = await ctx.database.db
    .deleteFrom('webhook_endpoints')
    .where('organization_id', '=', organizationId)
    .where('id', '=', row.id)
    .executeTakeFirst();
  if (deleted.numDeletedRows === 0n) throw new DomainError({ code: 'webhook_not_found' });
  return view(row);
}

/**
 * Queues a `webhook.test` event for this endpoint alone: the event (recorded already dispatched, outbox/events.ts)
 * and its one delivery are written together, so the event is never fanned out to the organization's other
 * endpoints.
 */
export async function queueTestEvent(ctx: DomainContext, organizationId: string, id: string): Promise<string> {
  const now = isoNow(ctx.clock);
  return inTransaction(ctx.database, async (trx) => {
    const row = await endpointOrFail(trx, organizationId, id);
    const eventId = await recordEvent(trx, {
      organizationId,
      type: 'webhook.test',
      data: { webhookId: row.id, message: 'This is a test event sent from Telemap.' },
      createdAt: now,
    });
    await trx
      .insertInto('deliveries')
      .values({
        id: newId(),
        organization_id: organizationId,
        event_id: eventId,
        channel: 'webhook',
        target: row.id,
        endpoint_id: row.id,
        recipient: null,
        status: 'pending',
        attempt: 0,
        next_attempt_at: now,
        claim_token: null,
        first_attempt_at: null,
        response_status: null,
        error: null,
        delivered_at: null,
        created_at: now,
        updated_at: now,
      })
      .execute();
    return eventId;
  });
}

/** The endpoint's deliveries, newest first. */
export async function listDeliveries(
  ctx: DomainContext,
  organizationId: string,
  endpointId: string,
  options: { limit: number; cursor?: string },
): Promise<Page<DeliveryView>> {
  const row = await endpointOrFail(ctx.database.db, organizationId, endpointId);
  const cursor = cursorOrFail(options.cursor);
  let query = ctx.database.db
    .selectFrom('deliveries')
    .innerJoin('outbox_events', 'outbox_events.id', 'deliveries.event_id')
    .selectAll('deliveries')
    .select('outbox_events.type as type')
    .where('deliveries.organization_id', '=', organizationId)
    .where('deliveries.endpoint_id', '=', row.id)
    .orderBy('deliveries.created_at', 'desc')
    .orderBy('deliveries.id', 'desc')
    .limit(options.limit + 1);
  if (cursor) query = query.where(before('deliveries.created_at', 'deliveries.id', cursor));
  return toPage(await query.execute(), options.limit, (r) => r.created_at, deliveryView);
}

function deliveryView(row: DeliveryRow & { type: string }): DeliveryView {
  return {
    id: row.id,
    eventId: row.event_id,
    type: row.type,
    attempt: row.attempt,
    status: row.status,
    responseStatus: row.response_status,
    error: row.error,
    nextAttemptAt: row.status === 'pending' ? row.next_attempt_at : null,
    deliveredAt: row.delivered_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
