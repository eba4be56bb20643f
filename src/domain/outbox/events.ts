// The events Telemap announces (webhooks, e-mail), and how one is recorded: in the transaction of the change it
// announces, so that an event exists if and only if its change committed. Delivery happens after the commit, from
// the outbox table (domain/outbox/worker.ts), at least once.
import type { Db } from '../../db/connect.js';
import { prepared } from '../../db/prepared.js';
import { newId } from '../ids.js';

export const EVENT_TYPES = [
  'alert.opened',
  'alert.acknowledged',
  'alert.cleared',
  'ticket.created',
  'ticket.status_changed',
  'ticket.message_added',
  'webhook.test',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export function isEventType(value: unknown): value is EventType {
  return (EVENT_TYPES as readonly unknown[]).includes(value);
}

/** The event types a webhook endpoint receives, from its stored `events` column (null: all of them). */
export function endpointEvents(row: { events: string | null }): EventType[] {
  if (row.events === null) return [...EVENT_TYPES];
  return (JSON.parse(row.events) as string[]).filter(isEventType);
}

export interface NewEvent {
  organizationId: string;
  type: EventType;
  /** The event's `data`: the alert, or the ticket with its messages, as /api/v1 presents them. */
  data: unknown;
  /** ISO 8601; the event's `timestamp`. */
  createdAt: string;
}

let recorded = 0;

/**
 * How many events this process has recorded that give the worker something to do: an event to fan out, or a test
 * event's delivery (committed or not). The worker compares it after each commit, to wake at once when a commit may
 * have carried work, rather than at its next poll.
 */
export function eventsRecordedInProcess(): number {
  return recorded;
}

/**
 * Records an event; `db` must be the transaction of the change it announces. Returns the event id.
 *
 * An event that nothing would deliver (no enabled endpoint of the organization takes its type, and its type never
 * e-mails) is recorded already dispatched: the outbox keeps it, and the worker neither wakes for it nor writes it
 * again. Endpoints are read in the change's transaction, so an endpoint receives the events of the changes that
 * commit after it does. A `webhook.test` event is recorded dispatched too: the webhooks service writes its one
 * delivery beside it.
 */
export async function recordEvent(db: Db, event: NewEvent): Promise<string> {
  const id = `evt_${newId().replaceAll('-', '')}`;
  const fanOut = event.type !== 'webhook.test' && (await deliverable(db, event.organizationId, event.type));
  await insertEvent(db, id, event.organizationId, event.type, JSON.stringify(event.data), event.createdAt, fanOut ? null : event.createdAt);
  if (fanOut || event.type === 'webhook.test') recorded++;
  return id;
}

/** Types whose fan-out may e-mail, with or without endpoints (domain/outbox/fan-out.ts). */
const MAY_EMAIL: ReadonlySet<EventType> = new Set(['alert.opened', 'ticket.message_added']);

async function deliverable(db: Db, organizationId: string, type: EventType): Promise<boolean> {
  if (MAY_EMAIL.has(type)) return true;
  return (await enabledEndpoints(db, organizationId)).some((endpoint) => endpointEvents(endpoint).includes(type));
}

// Prepared (db/prepared.ts): every ticket and alert change records an event, in its own transaction.
const enabledEndpoints = prepared((db: Db, organizationId: string) =>
  db.selectFrom('webhook_endpoints').select('events').where('organization_id', '=', organizationId).where('enabled', '=', 1),
);

const insertEvent = prepared(
  (db: Db, id: string, organizationId: string, type: string, payload: string, createdAt: string, dispatchedAt: string | null) =>
    db.insertInto('outbox_events').values({
      id,
      organization_id: organizationId,
      type: type as EventType,
      payload,
      created_at: createdAt,
      dispatched_at: dispatchedAt,
    }),
);
