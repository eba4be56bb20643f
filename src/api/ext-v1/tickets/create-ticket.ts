import { Type } from '@sinclair/typebox';
import type { DomainContext } from '../../../domain/context.js';
import { isPlausibleEmail, normalizeEmail } from '../../../domain/customers/email.js';
import { isDomainError } from '../../../domain/errors.js';
import { createTicket, type NewTicket, type TicketCustomer } from '../../../domain/tickets/create.js';
import {
  characterLength,
  DEFAULT_PRIORITY,
  isMessageRole,
  isTicketPriority,
  MAX_TITLE_LENGTH,
  MESSAGE_ROLES,
  TICKET_PRIORITIES,
  type TicketMessageInput,
  type TicketPriority,
} from '../../../domain/tickets/model.js';
import { organizationOf } from '../auth.js';
import { badRequest, isJsonObject, isPresent, MAX_LIST_ITEMS, objectBody, optionalString, tooManyItems, type JsonObject } from '../body.js';
import { ExtError } from '../errors.js';
import type { ExtRoute } from '../route.js';
import { stringEnum } from '../../string-enum.js';

export const TICKET_MESSAGES = {
  titleRequired: 'title is required',
  titleTooLong: `title must be at most ${MAX_TITLE_LENGTH} characters`,
  customerRequired: 'Either customerEmail or customerId is required',
  invalidEmail: 'Invalid email format',
  invalidPriority: `Invalid priority. Must be one of: ${TICKET_PRIORITIES.join(', ')}`,
  invalidMessages: 'messages must be an array of {role, content} with role customer, agent or bot',
  messagesNul: 'messages must not contain NUL characters',
  customerNotFound: 'Customer not found',
  deviceNotFound: 'Device not found',
  created: 'Ticket created successfully',
} as const;

const schema = {
  summary: 'Open a ticket for a customer (created from customerEmail if new)',
  body: Type.Object({
    title: Type.String({ minLength: 1, maxLength: MAX_TITLE_LENGTH, description: 'Trimmed; 1 to 255 characters' }),
    description: Type.Optional(Type.String({ description: 'Absent or blank: composed from the messages' })),
    priority: Type.Optional(stringEnum(TICKET_PRIORITIES, { default: DEFAULT_PRIORITY })),
    customerEmail: Type.Optional(Type.String({ format: 'email', description: 'Created if unknown' })),
    customerId: Type.Optional(Type.String({ format: 'uuid', description: 'Wins over customerEmail when both are sent' })),
    category: Type.Optional(Type.String({ description: 'Category name, case-insensitive; else categorized automatically' })),
    messages: Type.Optional(
      Type.Array(
        Type.Object({
          role: stringEnum(MESSAGE_ROLES),
          content: Type.String(),
        }),
        { maxItems: MAX_LIST_ITEMS },
      ),
    ),
    deviceIdentifier: Type.Optional(Type.String({ description: 'Telemap addition: links the ticket to this device' })),
  }),
  response: {
    200: Type.Object({
      success: Type.Literal(true),
      ticketId: Type.String({ format: 'uuid' }),
      message: Type.Literal(TICKET_MESSAGES.created),
    }),
  },
};

/** Trimmed title of 1 to 255 characters. */
function readTitle(body: JsonObject): string {
  const title = optionalString(body, 'title')?.trim();
  if (!title) throw badRequest(TICKET_MESSAGES.titleRequired);
  if (characterLength(title) > MAX_TITLE_LENGTH) throw badRequest(TICKET_MESSAGES.titleTooLong);
  return title;
}

/** customerId wins when both are sent; the email is then ignored, not validated. Blank values count as absent. */
function readCustomer(body: JsonObject): TicketCustomer {
  const id = optionalString(body, 'customerId')?.trim();
  if (id) return { id };
  const raw = body.customerEmail;
  if (!isPresent(raw) || (typeof raw === 'string' && raw.trim() === '')) {
    throw badRequest(TICKET_MESSAGES.customerRequired);
  }
  if (typeof raw !== 'string') throw badRequest(TICKET_MESSAGES.invalidEmail);
  const email = normalizeEmail(raw);
  if (!isPlausibleEmail(email)) throw badRequest(TICKET_MESSAGES.invalidEmail);
  return { email };
}

function readPriority(body: JsonObject): TicketPriority {
  const value = body.priority;
  if (!isPresent(value)) return DEFAULT_PRIORITY;
  if (!isTicketPriority(value)) throw badRequest(TICKET_MESSAGES.invalidPriority);
  return value;
}

/** Absent or null: no messages. Each entry an object with an exact role and a string content (may be empty). */
function readMessages(body: JsonObject): TicketMessageInput[] {
  const value = body.messages;
  if (!isPresent(value)) return [];
  if (!Array.isArray(value)) throw badRequest(TICKET_MESSAGES.invalidMessages);
  if (value.length > MAX_LIST_ITEMS) throw tooManyItems('messages');
  return value.map((entry: unknown) => {
    if (!isJsonObject(entry) || !isMessageRole(entry.role) || typeof entry.content !== 'string') {
      throw badRequest(TICKET_MESSAGES.invalidMessages);
    }
    if (entry.content.includes('\0')) throw badRequest(TICKET_MESSAGES.messagesNul);
    return { role: entry.role, content: entry.content };
  });
}

/** An optional string that counts as absent when blank. */
function optionalNonBlank(body: JsonObject, field: string, trim: boolean): string | undefined {
  const value = optionalString(body, field);
  if (value === undefined || value.trim() === '') return undefined;
  return trim ? value.trim() : value;
}

/** Every field, in the contract's order, before anything is looked up or written. */
export function readNewTicket(body: JsonObject): NewTicket {
  const title = readTitle(body);
  const customer = readCustomer(body);
  const priority = readPriority(body);
  const messages = readMessages(body);
  return {
    title,
    customer,
    priority,
    messages,
    description: optionalNonBlank(body, 'description', false),
    category: optionalNonBlank(body, 'category', true),
    deviceIdentifier: optionalNonBlank(body, 'deviceIdentifier', true),
    channel: 'api',
  };
}

export function createTicketRoute(ctx: DomainContext): ExtRoute {
  return {
    method: 'POST',
    url: '/ticket/createTicket',
    schema,
    handler: async (request) => {
      const organizationId = organizationOf(request);
      // The key that opened it is the author of its agent messages (the timeline names it).
      const author = { type: 'api_key', id: request.extPrincipal?.keyId ?? null, name: null } as const;
      const input = { ...readNewTicket(objectBody(request.body)), author };
      try {
        const created = await createTicket(ctx, organizationId, input);
        return { success: true, ticketId: created.ticketId, message: TICKET_MESSAGES.created };
      } catch (error) {
        if (isDomainError(error, 'customer_not_found')) throw new ExtError(404, TICKET_MESSAGES.customerNotFound);
        if (isDomainError(error, 'device_not_found')) throw new ExtError(404, TICKET_MESSAGES.deviceNotFound);
        throw error;
      }
    },
  };
}
