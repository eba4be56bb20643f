// The support workflow on an existing ticket: status changes and replies. Ticket creation lives beside this file
// (another module); this one only moves tickets along and appends to their conversations.
import { isoNow } from '../../clock.js';
import { isUniqueViolation } from '../../db/dialect.js';
import { inTransaction } from '../../db/transaction.js';
import type { DomainContext } from '../context.js';
import type { TicketStatus } from './model.js';
import { DomainError } from '../errors.js';
import { newId } from '../ids.js';
import { recordTicketEvent } from '../outbox/ticket-events.js';

export const REPLY_MAX_LENGTH = 20_000;
export type ReplyRole = 'agent';

/** Sets the ticket's status; the same status again is accepted and only touches updated_at. */
export async function changeTicketStatus(
  ctx: DomainContext,
  organizationId: string,
  ticketId: string,
  status: TicketStatus,
): Promise<void> {
  const now = isoNow(ctx.clock);
  await inTransaction(ctx.database, async (trx) => {
    const before = await ctx.database.dialect
      .forUpdate(trx.selectFrom('tickets').select('status').where('organization_id', '=', organizationId).where('id', '=', ticketId))
      .executeTakeFirst();
    if (!before) throw new DomainError({ code: 'ticket_not_found' });
    await trx.updateTable('tickets').set({ status, updated_at: now }).where('id', '=', ticketId).execute();
    // Setting the status it already has is accepted, but announces nothing.
    if (before.status !== status) {
      await recordTicketEvent(trx, organizationId, 'ticket.status_changed', ticketId, now, { previousStatus: before.status });
    }
  });
}

export interface AddedReply {
  messageId: string;
  position: number;
  createdAt: string;
}

/**
 * Appends a reply at the next position of the conversation. Inside one transaction the ticket row is locked
 * (FOR UPDATE on PostgreSQL; SQLite has a single writer) before the next position is read, so concurrent replies
 * queue; should a writer that does not take the lock (ticket creation appending messages) win a position first,
 * the unique (ticket_id, position) index refuses the duplicate and the reply is retried.
 */
export async function addReply(
  ctx: DomainContext,
  organizationId: string,
  ticketId: string,
  reply: { role: ReplyRole; content: string },
): Promise<AddedReply> {
  const content = reply.content.trim();
  if (content === '') throw new DomainError({ code: 'invalid_input', field: 'content', reason: 'must not be empty' });
  if (content.length > REPLY_MAX_LENGTH) {
    throw new DomainError({ code: 'invalid_input', field: 'content', reason: `must be at most ${REPLY_MAX_LENGTH} characters` });
  }
  if (content.includes('\0')) throw new DomainError({ code: 'invalid_input', field: 'content', reason: 'must not contain NUL characters' });
  for (let attempt = 1; ; attempt++) {
    try {
      return await inTransaction(ctx.database, async (trx) => {
        const ticket = await ctx.database.dialect
          .forUpdate(trx.selectFrom('tickets').select('id').where('organization_id', '=', organizationId).where('id', '=', ticketId))
          .executeTakeFirst();
        if (!ticket) throw new DomainError({ code: 'ticket_not_found' });
        const last = await trx
          .selectFrom('ticket_messages')
          .select((eb) => eb.fn.max('position').as('position'))
          .where('ticket_id', '=', ticketId)
          .executeTakeFirst();
        const position = last?.position === null || last?.position === undefined ? 0 : Number(last.position) + 1;
        const now = isoNow(ctx.clock);
        const messageId = newId();
        await trx
          .insertInto('ticket_messages')
          .values({ id: messageId, organization_id: organizationId, ticket_id: ticketId, position, role: reply.role, content, created_at: now })
          .execute();
        await trx.updateTable('tickets').set({ updated_at: now }).where('id', '=', ticketId).execute();
        await recordTicketEvent(trx, organizationId, 'ticket.message_added', ticketId, now, { messageId });
        return { messageId, position, createdAt: now };
      });
    } catch (error) {
      if (isUniqueViolation(error) && attempt < 5) continue;
      throw error;
    }
  }
}
