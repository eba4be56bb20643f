// The support workflow on an existing ticket: status, priority, category and assignee changes, replies, customer
// messages and internal notes. Ticket creation lives beside this file (create.ts); this one moves tickets along
// and appends to their conversations. Every change is written with its timeline entry (timeline.ts) and, for the
// public ones, its outbox event (§6.1 of the support-loop contract), in the transaction that makes it.
import { isoNow } from '../../clock.js';
import type { Db } from '../../db/connect.js';
import { isUniqueViolation, type DialectSpec } from '../../db/dialect.js';
import { inTransaction } from '../../db/transaction.js';
import { categoryNameKey } from '../categories/service.js';
import type { DomainContext } from '../context.js';
import type { TicketStatus } from './model.js';
import { DomainError } from '../errors.js';
import { newId } from '../ids.js';
import { recordTicketEvent } from '../outbox/ticket-events.js';
import { SYSTEM_ACTOR, type Actor } from './actor.js';
import type { MessageRole, TicketPriority } from './model.js';
import { nextMessagePosition, recordTicketChange } from './timeline.js';

export const REPLY_MAX_LENGTH = 20_000;
/** `agent`: a reply or note of the team; `customer`: the customer's side, added by the company's systems. */
export type ReplyRole = 'agent' | 'customer';
/** A `note` is internal: never sent to the customer, never in ext-v1 responses or webhook payloads. */
export type MessageKind = 'message' | 'note';

/** Who acted when the caller does not say (older callers): an agent of the team, unnamed. */
const UNKNOWN_AGENT: Actor = SYSTEM_ACTOR;

async function lockTicket(ctx: DomainContext, trx: Db, organizationId: string, ticketId: string) {
  const ticket = await ctx.database.dialect
    .forUpdate(
      trx
        .selectFrom('tickets')
        .select(['id', 'status', 'priority', 'category_id', 'assignee_user_id'])
        .where('organization_id', '=', organizationId)
        .where('id', '=', ticketId),
    )
    .executeTakeFirst();
  if (!ticket) throw new DomainError({ code: 'ticket_not_found' });
  return ticket;
}

/** Sets the status inside the caller's transaction (ticket locked); the same status again only touches updated_at. */
async function setStatusIn(
  trx: Db,
  organizationId: string,
  ticketId: string,
  before: string,
  status: TicketStatus,
  actor: Actor,
  now: string,
): Promise<void> {
  await trx.updateTable('tickets').set({ status, updated_at: now }).where('id', '=', ticketId).execute();
  // Setting the status it already has is accepted, but announces nothing.
  if (before !== status) {
    await recordTicketChange(trx, organizationId, ticketId, { type: 'status_changed', from: before, to: status }, actor, now);
    await recordTicketEvent(trx, organizationId, 'ticket.status_changed', ticketId, now, { extra: { previousStatus: before } });
  }
}

/** Sets the ticket's status; the same status again is accepted and only touches updated_at. */
export async function changeTicketStatus(
  ctx: DomainContext,
  organizationId: string,
  ticketId: string,
  status: TicketStatus,
  actor: Actor = UNKNOWN_AGENT,
): Promise<void> {
  const now = isoNow(ctx.clock);
  await inTransaction(ctx.database, async (trx) => {
    const before = await lockTicket(ctx, trx, organizationId, ticketId);
    await setStatusIn(trx, organizationId, ticketId, before.status, status, actor, now);
  });
}

export interface TicketUpdate {
  priority?: TicketPriority;
  /** A category name of the organization (case-insensitive), or null to clear it. */
  category?: string | null;
  /** A user of the organization, or null to unassign. */
  assigneeUserId?: string | null;
  status?: TicketStatus;
}

/**
 * Changes any of status, priority, category and assignee in one transaction, each with its timeline entry. A
 * value equal to the current one changes nothing. An unknown category or a user who is not an active member of the
 * organization is `invalid_input`.
 */
export async function updateTicket(
  ctx: DomainContext,
  organizationId: string,
  ticketId: string,
  update: TicketUpdate,
  actor: Actor,
): Promise<void> {
  const now = isoNow(ctx.clock);
  await inTransaction(ctx.database, async (trx) => {
    const before = await lockTicket(ctx, trx, organizationId, ticketId);
    let touched = false;
    if (update.priority !== undefined && update.priority !== before.priority) {
      await trx.updateTable('tickets').set({ priority: update.priority }).where('id', '=', ticketId).execute();
      await recordTicketChange(trx, organizationId, ticketId, { type: 'priority_changed', from: before.priority, to: update.priority }, actor, now);
      touched = true;
    }
    if (update.category !== undefined) {
      const category = update.category === null ? null : await findCategory(trx, organizationId, update.category);
      if (await relink(trx, organizationId, ticketId, CATEGORY_LINK, before.category_id, category, actor, now)) touched = true;
    }
    if (update.assigneeUserId !== undefined) {
      const assignee = update.assigneeUserId === null ? null : await findActiveUser(trx, organizationId, update.assigneeUserId);
      const named = assignee && { id: assignee.id, name: assignee.email };
      if (await relink(trx, organizationId, ticketId, ASSIGNEE_LINK, before.assignee_user_id, named, actor, now)) touched = true;
    }
    if (update.status !== undefined) {
      await setStatusIn(trx, organizationId, ticketId, before.status, update.status, actor, now);
    } else if (touched) {
      await trx.updateTable('tickets').set({ updated_at: now }).where('id', '=', ticketId).execute();
    }
  });
}

/** A column of the ticket that points at another record; its timeline entries name that record, not its id. */
interface Link {
  column: 'category_id' | 'assignee_user_id';
  change: 'category_changed' | 'assignee_changed';
  nameOf: (db: Db, id: string) => Promise<string | null>;
}

const CATEGORY_LINK: Link = { column: 'category_id', change: 'category_changed', nameOf: categoryName };
const ASSIGNEE_LINK: Link = { column: 'assignee_user_id', change: 'assignee_changed', nameOf: userEmail };

/**
 * Points the ticket's link at `next` (null: at nothing) with its timeline entry, inside the caller's transaction
 * (ticket locked); updated_at is the caller's. False when it points there already: nothing is written.
 */
async function relink(
  trx: Db,
  organizationId: string,
  ticketId: string,
  link: Link,
  current: string | null,
  next: { id: string; name: string } | null,
  actor: Actor,
  now: string,
): Promise<boolean> {
  const nextId = next?.id ?? null;
  if (nextId === current) return false;
  const previous = current ? await link.nameOf(trx, current) : null;
  await trx.updateTable('tickets').set(link.column, nextId).where('id', '=', ticketId).execute();
  await recordTicketChange(trx, organizationId, ticketId, { type: link.change, from: previous, to: next?.name ?? null }, actor, now);
  return true;
}

async function findCategory(db: Db, organizationId: string, name: string) {
  const row = await db
    .selectFrom('categories')
    .select(['id', 'name'])
    .where('organization_id', '=', organizationId)
    .where('name_key', '=', categoryNameKey(name))
    .executeTakeFirst();
  if (!row) throw new DomainError({ code: 'invalid_input', field: 'category', reason: 'is not a category of this organization' });
  return row;
}

async function categoryName(db: Db, id: string): Promise<string | null> {
  return (await db.selectFrom('categories').select('name').where('id', '=', id).executeTakeFirst())?.name ?? null;
}

async function findActiveUser(db: Db, organizationId: string, userId: string) {
  const row = await db
    .selectFrom('users')
    .select(['id', 'email'])
    .where('organization_id', '=', organizationId)
    .where('id', '=', userId)
    .where('disabled_at', 'is', null)
    .executeTakeFirst();
  if (!row) throw new DomainError({ code: 'invalid_input', field: 'assigneeId', reason: 'is not an active user of this organization' });
  return row;
}

async function userEmail(db: Db, id: string): Promise<string | null> {
  return (await db.selectFrom('users').select('email').where('id', '=', id).executeTakeFirst())?.email ?? null;
}

export interface AddedReply {
  messageId: string;
  position: number;
  createdAt: string;
}

export interface NewReply {
  role: ReplyRole;
  content: string;
  /** Default `message`. A note is only for the team: it announces nothing. */
  kind?: MessageKind;
  /** Who wrote it; by default the customer for a customer message, else an unnamed agent (older callers). */
  author?: Actor;
  /** Reply and set the status in one step (e.g. "send and mark waiting for customer"). */
  status?: TicketStatus;
}

function validContent(raw: string): string {
  const content = raw.trim();
  if (content === '') throw new DomainError({ code: 'invalid_input', field: 'content', reason: 'must not be empty' });
  if (content.length > REPLY_MAX_LENGTH) {
    throw new DomainError({ code: 'invalid_input', field: 'content', reason: `must be at most ${REPLY_MAX_LENGTH} characters` });
  }
  if (content.includes('\0')) throw new DomainError({ code: 'invalid_input', field: 'content', reason: 'must not contain NUL characters' });
  return content;
}

/**
 * Appends a message at the next position of the conversation. Inside one transaction the ticket row is locked
 * (FOR UPDATE on PostgreSQL; SQLite has a single writer) before the next position is read, so concurrent replies
 * queue; should a writer that does not take the lock (ticket creation appending messages) win a position first,
 * the unique (ticket_id, position) index refuses the duplicate and the reply is retried.
 *
 * A customer's message on a ticket waiting for the customer moves it back to `open` (unless `status` says
 * otherwise), recorded as a status change by the customer.
 */
export async function addReply(ctx: DomainContext, organizationId: string, ticketId: string, reply: NewReply): Promise<AddedReply> {
  const content = validContent(reply.content);
  const kind: MessageKind = reply.kind ?? 'message';
  if (kind === 'note' && reply.role !== 'agent') throw new DomainError({ code: 'invalid_input', field: 'kind', reason: 'note is for agents only' });
  for (let attempt = 1; ; attempt++) {
    try {
      return await inTransaction(ctx.database, async (trx) => {
        const ticket = await lockTicket(ctx, trx, organizationId, ticketId);
        const author = reply.author ?? (reply.role === 'customer' ? await customerActor(trx, ticketId) : UNKNOWN_AGENT);
        const position = await nextMessagePosition(trx, ticketId);
        const now = isoNow(ctx.clock);
        const messageId = await writeMessage(trx, organizationId, ticketId, position, { role: reply.role, content, kind }, author, now);
        const status = reply.status ?? (reply.role === 'customer' && ticket.status === 'waiting_for_customer' ? 'open' : undefined);
        if (status !== undefined) await setStatusIn(trx, organizationId, ticketId, ticket.status, status, author, now);
        return { messageId, position, createdAt: now };
      });
    } catch (error) {
      if (isUniqueViolation(error) && attempt < 5) continue;
      throw error;
    }
  }
}

/**
 * Appends a message to a ticket inside a transaction the caller owns (an alert clearing says so on its ticket), and
 * records `ticket.message_added` there. The ticket row is locked first, as addReply does, so the position is free.
 */
export async function appendMessageIn(
  trx: Db,
  dialect: DialectSpec,
  organizationId: string,
  ticketId: string,
  message: { role: MessageRole; content: string },
  now: string,
): Promise<boolean> {
  const ticket = await dialect
    .forUpdate(trx.selectFrom('tickets').select('id').where('organization_id', '=', organizationId).where('id', '=', ticketId))
    .executeTakeFirst();
  if (!ticket) return false;
  const position = await nextMessagePosition(trx, ticketId);
  const author: Actor = message.role === 'bot' ? { type: 'bot', id: null, name: null } : SYSTEM_ACTOR;
  await writeMessage(trx, organizationId, ticketId, position, { ...message, kind: 'message' }, author, now);
  return true;
}

/**
 * Writes a message at `position` (the ticket locked and the position read by the caller), touches the ticket's
 * updated_at and, unless it is a note, records `ticket.message_added`. Returns the message's id.
 */
async function writeMessage(
  trx: Db,
  organizationId: string,
  ticketId: string,
  position: number,
  message: { role: MessageRole | ReplyRole; content: string; kind: MessageKind },
  author: Actor,
  now: string,
): Promise<string> {
  const messageId = newId();
  await trx
    .insertInto('ticket_messages')
    .values({
      id: messageId,
      organization_id: organizationId,
      ticket_id: ticketId,
      position,
      role: message.role,
      content: message.content,
      created_at: now,
      kind: message.kind,
      author_type: author.type,
      author_id: author.id,
      author_name: author.name,
    })
    .execute();
  await trx.updateTable('tickets').set({ updated_at: now }).where('id', '=', ticketId).execute();
  if (message.kind === 'message') await recordTicketEvent(trx, organizationId, 'ticket.message_added', ticketId, now, { extra: { messageId } });
  return messageId;
}

async function customerActor(db: Db, ticketId: string): Promise<Actor> {
  const row = await db
    .selectFrom('tickets')
    .innerJoin('customers', 'customers.id', 'tickets.customer_id')
    .select(['customers.id', 'customers.email'])
    .where('tickets.id', '=', ticketId)
    .executeTakeFirstOrThrow();
  return { type: 'customer', id: row.id, name: row.email };
}
