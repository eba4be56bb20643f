// Opening a ticket: the customer (found, or created from an email), an optional device, a category (named or
// chosen by the classifier), the ticket and its messages, all committed in one transaction.
import { isoNow } from '../../clock.js';
import type { Db } from '../../db/connect.js';
import { inTransaction } from '../../db/transaction.js';
import { chooseCategory } from '../categories/service.js';
import type { DomainContext } from '../context.js';
import { findCustomerById } from '../customers/repository.js';
import { ensureCustomer } from '../customers/service.js';
import { DomainError } from '../errors.js';
import { isUuid, newId } from '../ids.js';
import { messageView, type TicketView } from '../dashboard/tickets.js';
import { recordTicketEvent } from '../outbox/ticket-events.js';
import { SYSTEM_ACTOR, type Actor } from './actor.js';
import { composeDescription } from './compose-description.js';
import { INITIAL_STATUS, type TicketChannel, type TicketMessageInput, type TicketPriority } from './model.js';
import { findDeviceIdByIdentifier, insertTicket, insertTicketMessages } from './repository.js';

/** An existing customer by id, or one found or created by (normalized, validated) email. */
export type TicketCustomer = { id: string } | { email: string };

export interface NewTicket {
  title: string;
  /** Absent: composed from the messages. */
  description?: string;
  priority: TicketPriority;
  customer: TicketCustomer;
  /** A category name of the organization; when it names none, the ticket is categorized automatically. */
  category?: string;
  messages: readonly TicketMessageInput[];
  deviceIdentifier?: string;
  channel: TicketChannel;
  /** The alert a proactive ticket is opened for (channel `alert`). */
  alertId?: string;
  /**
   * Who opened it, recorded as the author of its agent messages (customer messages are the customer's, bot
   * messages the bot's). Absent: the API key for channel `api`, the system for `alert`.
   */
  author?: Actor;
}

export interface CreatedTicket {
  ticketId: string;
  customerId: string;
  customerWasCreated: boolean;
  categoryId: string | null;
  deviceId: string | null;
}

/**
 * Creates the ticket. Fails with `customer_not_found` (unknown id) or `device_not_found` (unknown identifier)
 * before writing anything. An existing customer is only referenced, never modified.
 */
export async function createTicket(ctx: DomainContext, organizationId: string, input: NewTicket): Promise<CreatedTicket> {
  return inTransaction(ctx.database, (trx) => createTicketIn(trx, organizationId, input, isoNow(ctx.clock)));
}

/**
 * The same, inside a transaction the caller owns (a proactive ticket commits with its alert). Records the
 * `ticket.created` event in that transaction.
 */
export async function createTicketIn(trx: Db, organizationId: string, input: NewTicket, now: string): Promise<CreatedTicket> {
  const ticketId = newId();
  let customer: { customerId: string; wasCreated: boolean; email: string; name: string } | undefined;
  let customerEmail = 'email' in input.customer ? input.customer.email : null;
  if ('id' in input.customer) {
    const found = isUuid(input.customer.id)
      ? await findCustomerById(trx, organizationId, input.customer.id.toLowerCase())
      : undefined;
    if (!found) throw new DomainError({ code: 'customer_not_found' });
    customer = { customerId: found.id, wasCreated: false, email: found.email, name: found.name };
    customerEmail = found.email;
  }

  let deviceId: string | null = null;
  if (input.deviceIdentifier !== undefined) {
    deviceId = (await findDeviceIdByIdentifier(trx, organizationId, input.deviceIdentifier)) ?? null;
    if (deviceId === null) throw new DomainError({ code: 'device_not_found' });
  }

  // After every lookup that can fail, so a refused ticket never leaves a new customer behind. ensureCustomer
  // inserts with ON CONFLICT DO NOTHING, which is safe inside a transaction on PostgreSQL (no caught violation).
  if ('email' in input.customer) customer = await ensureCustomer(trx, organizationId, input.customer.email, now);
  if (!customer) throw new Error('unreachable: ticket without a customer');

  // The classifier reads what the client wrote: title, its description, and the messages; a composed
  // description would only repeat the messages (and add the role names).
  const category = await chooseCategory(trx, organizationId, input.category, [
    input.title,
    input.description ?? '',
    ...input.messages.map((m) => m.content),
  ]);

  const description = input.description ?? composeDescription(input.messages);
  await insertTicket(trx, {
    id: ticketId,
    organization_id: organizationId,
    customer_id: customer.customerId,
    device_id: deviceId,
    category_id: category?.id ?? null,
    title: input.title,
    description,
    priority: input.priority,
    status: INITIAL_STATUS,
    channel: input.channel,
    created_at: now,
    updated_at: now,
    alert_id: input.alertId ?? null,
  });
  const opener: Actor = input.author ?? (input.channel === 'alert' ? SYSTEM_ACTOR : { type: 'api_key', id: null, name: null });
  const customerId = customer.customerId;
  const authorOf = (role: string): Actor =>
    role === 'customer' ? { type: 'customer', id: customerId, name: customerEmail } : role === 'bot' ? { type: 'bot', id: null, name: null } : opener;
  const messages = input.messages.map((message, position) => {
    const author = authorOf(message.role);
    return {
      id: newId(),
      position,
      role: message.role,
      kind: 'message',
      content: message.content,
      created_at: now,
      author_type: author.type,
      author_id: author.id,
      author_name: author.name,
    };
  });
  await insertTicketMessages(
    trx,
    messages.map((message) => ({ ...message, organization_id: organizationId, ticket_id: ticketId })),
  );
  // The event carries what was just written, as getTicket and ticketMessages would read it back.
  const ticket: TicketView = {
    id: ticketId,
    title: input.title,
    description,
    priority: input.priority,
    status: INITIAL_STATUS,
    channel: input.channel,
    customerId,
    customerEmail: customer.email,
    customerName: customer.name,
    deviceId,
    deviceIdentifier: deviceId === null ? null : (input.deviceIdentifier ?? null),
    category: category?.name ?? null,
    assignee: null,
    createdAt: now,
    updatedAt: now,
  };
  await recordTicketEvent(trx, organizationId, 'ticket.created', ticketId, now, { ticket, messages: messages.map(messageView) });
  return {
    ticketId,
    customerId: customer.customerId,
    customerWasCreated: customer.wasCreated,
    categoryId: category?.id ?? null,
    deviceId,
  };
}

