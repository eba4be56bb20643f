// The timeline of a ticket: its messages (public and internal notes) and its changes (status, priority, assignee,
// category), in the order they happened. Changes are recorded here by the workflow, inside the transaction that
// made them and under the ticket's lock, so their place among the messages is exact (see migration 0009).
import type { Db } from '../../db/connect.js';
import { newId } from '../ids.js';
import type { Actor } from './actor.js';

export const CHANGE_TYPES = ['status_changed', 'priority_changed', 'assignee_changed', 'category_changed'] as const;
export type ChangeType = (typeof CHANGE_TYPES)[number];

export interface TicketChange {
  type: ChangeType;
  from: string | null;
  to: string | null;
}

/** The position the next message of the ticket gets: one past the highest, 0 for none. */
export async function nextMessagePosition(db: Db, ticketId: string): Promise<number> {
  const last = await db
    .selectFrom('ticket_messages')
    .select((eb) => eb.fn.max('position').as('position'))
    .where('ticket_id', '=', ticketId)
    .executeTakeFirst();
  return last?.position === null || last?.position === undefined ? 0 : Number(last.position) + 1;
}

/** Records a change; `db` must be the transaction that holds the ticket's lock and made the change. */
export async function recordTicketChange(
  db: Db,
  organizationId: string,
  ticketId: string,
  change: TicketChange,
  actor: Actor,
  now: string,
): Promise<void> {
  const last = await db
    .selectFrom('ticket_events')
    .select((eb) => eb.fn.max('seq').as('seq'))
    .where('ticket_id', '=', ticketId)
    .executeTakeFirst();
  const seq = last?.seq === null || last?.seq === undefined ? 0 : Number(last.seq) + 1;
  await db
    .insertInto('ticket_events')
    .values({
      id: newId(),
      organization_id: organizationId,
      ticket_id: ticketId,
      seq,
      message_position: await nextMessagePosition(db, ticketId),
      type: change.type,
      from_value: change.from,
      to_value: change.to,
      actor_type: actor.type,
      actor_id: actor.id,
      actor_name: actor.name,
      created_at: now,
    })
    .execute();
}
