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
 * How many events this process has recorded (committed or not). The worker compares it after each commit, to wake
 * at once when a commit may have carried an event, rather than at its next poll.
 */
export function eventsRecordedInProcess(): number {
  return recorded;
}

/** Records an event; `db` must be the transaction of the change it announces. Returns the event id. */
export async function recordEvent(db: Db, event: NewEvent): Promise<string> {
  const id = `evt_${newId().replaceAll('-', '')}`;
  await insertEvent(db, id, event.organizationId, event.type, JSON.stringify(event.data), event.createdAt);
  recorded++;
  return id;
}

// Prepared (db/prepared.ts): every ticket and alert records one, in its own transaction.
const insertEvent = prepared((db: Db, id: string, organizationId: string, type: string, payload: string, createdAt: string) =>
  db.insertInto('outbox_events').values({
    id,
    organization_id: organizationId,
    type: type as EventType,
    payload,
    created_at: createdAt,
    dispatched_at: null,
  }),
);
