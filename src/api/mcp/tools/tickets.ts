// list_tickets, get_ticket, create_ticket and add_ticket_reply: the inbox and the conversation, as an agent.
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { isPlausibleEmail, normalizeEmail } from '../../../domain/customers/email.js';
import { DEFAULT_PAGE_SIZE } from '../../../domain/dashboard/cursor.js';
import { getTicket, listTickets, ticketMessages, type TicketView } from '../../../domain/dashboard/queries.js';
import { isUuid } from '../../../domain/ids.js';
import { createTicket, type TicketCustomer } from '../../../domain/tickets/create.js';
import { characterLength, DEFAULT_PRIORITY, MAX_TITLE_LENGTH } from '../../../domain/tickets/model.js';
import { addReply, REPLY_MAX_LENGTH } from '../../../domain/tickets/workflow.js';
import { idFilter } from '../lookup.js';
import { runTool, toolResult, ToolFailure } from '../results.js';
import { idArg, messageOut, pageArgs, pageOf, ticketOut, ticketPriority, ticketStatus } from '../schemas.js';
import type { ToolScope } from '../scope.js';

const ticketWithMessages = { ticket: ticketOut, messages: z.array(messageOut) };

function describeTicket(t: TicketView): string {
  const device = t.deviceIdentifier ? `, device ${t.deviceIdentifier}` : '';
  return `"${t.title}" (id ${t.id}): ${t.status}, ${t.priority} priority, customer ${t.customerEmail}${device}`;
}

const listTicketsTool = {
  title: 'List tickets',
  description: 'The inbox, newest first, filtered by status, priority, customer (id) or device (id), as /api/v1/tickets.',
  inputSchema: z.strictObject({
    status: ticketStatus.optional(),
    priority: ticketPriority.optional(),
    customerId: idArg('customer').optional(),
    deviceId: idArg('device').optional(),
    ...pageArgs,
  }),
  outputSchema: pageOf(ticketOut),
  annotations: { readOnlyHint: true },
};

const getTicketTool = {
  title: 'Get a ticket',
  description: "A ticket with its whole conversation in order, the team's internal notes included (kind note).",
  inputSchema: z.strictObject({ id: idArg('ticket') }),
  outputSchema: ticketWithMessages,
  annotations: { readOnlyHint: true },
};

const createTicketTool = {
  title: 'Create a ticket',
  description:
    'Open a ticket for a customer, named by customerId or by customerEmail (a customer is created for an unknown email), optionally about one of their devices (deviceIdentifier).',
  inputSchema: z.strictObject({
    title: z.string().min(1).max(MAX_TITLE_LENGTH).describe(`1 to ${MAX_TITLE_LENGTH} characters`),
    customerId: idArg('customer').optional().describe("The customer's id; wins over customerEmail"),
    customerEmail: z.string().max(254).optional().describe("The customer's email; created if unknown"),
    deviceIdentifier: z.string().min(1).max(255).optional().describe("The device's identifier (serial number)"),
    description: z.string().max(REPLY_MAX_LENGTH).optional(),
    priority: ticketPriority.optional().describe(`Default ${DEFAULT_PRIORITY}`),
  }),
  outputSchema: ticketWithMessages,
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false },
};

const addTicketReplyTool = {
  title: 'Reply on a ticket',
  description:
    "Append a reply as the support agent (role agent) to a ticket's conversation. The customer sees it: it is e-mailed to them when the organization has e-mail set up.",
  inputSchema: z.strictObject({
    id: idArg('ticket'),
    content: z.string().min(1).max(REPLY_MAX_LENGTH).describe('The reply text'),
  }),
  outputSchema: { ticketId: z.string(), message: messageOut },
  // Additive, but it reaches the customer outside Telemap (e-mail).
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
};

export function registerTicketTools(server: McpServer, scope: ToolScope): void {
  const { db } = scope.ctx.database;

  async function ticketOrFail(id: string): Promise<TicketView> {
    const ticket = isUuid(id) ? await getTicket(db, scope.organizationId, id.toLowerCase()) : undefined;
    if (!ticket) throw new ToolFailure(`No ticket with id ${id}`);
    return ticket;
  }

  server.registerTool(
    'list_tickets',
    listTicketsTool,
    (args) =>
      runTool(scope, 'list_tickets', async () => {
        const page = await listTickets(db, scope.organizationId, {
          status: args.status,
          priority: args.priority,
          customerId: idFilter(args.customerId),
          deviceId: idFilter(args.deviceId),
          cursor: args.cursor,
          limit: args.limit ?? DEFAULT_PAGE_SIZE,
        });
        const lines = page.data.length ? page.data.map((t) => `- ${describeTicket(t)}`) : ['No ticket matches.'];
        if (page.nextCursor) lines.push('More with cursor.');
        return toolResult(lines.join('\n'), { data: page.data, nextCursor: page.nextCursor });
      }),
  );

  server.registerTool(
    'get_ticket',
    getTicketTool,
    (args) =>
      runTool(scope, 'get_ticket', async () => {
        const ticket = await ticketOrFail(args.id);
        const messages = await ticketMessages(db, scope.organizationId, ticket.id, { includeNotes: true });
        const conversation = messages.map((m) => `[${m.role}${m.kind === 'note' ? ', internal note' : ''}] ${m.content}`);
        return toolResult([`Ticket ${describeTicket(ticket)}.`, ...conversation].join('\n'), { ticket, messages });
      }),
  );

  server.registerTool(
    'create_ticket',
    createTicketTool,
    (args) =>
      runTool(scope, 'create_ticket', async () => {
        const title = args.title.trim();
        if (title === '' || characterLength(title) > MAX_TITLE_LENGTH) {
          throw new ToolFailure(`title must be 1 to ${MAX_TITLE_LENGTH} characters`);
        }
        const description = args.description?.trim() ? args.description : undefined;
        if ([title, description ?? '', args.deviceIdentifier ?? ''].some((text) => text.includes('\0'))) {
          throw new ToolFailure('Text must not contain NUL characters');
        }
        const created = await createTicket(scope.ctx, scope.organizationId, {
          title,
          customer: ticketCustomer(args),
          priority: args.priority ?? DEFAULT_PRIORITY,
          messages: [],
          channel: 'api',
          author: scope.actor,
          ...(description !== undefined ? { description } : {}),
          ...(args.deviceIdentifier?.trim() ? { deviceIdentifier: args.deviceIdentifier.trim() } : {}),
        });
        const ticket = await ticketOrFail(created.ticketId);
        const messages = await ticketMessages(db, scope.organizationId, ticket.id, { includeNotes: true });
        const newCustomer = created.customerWasCreated ? ' (a new customer)' : '';
        return toolResult(`Created ticket ${describeTicket(ticket)}${newCustomer}.`, { ticket, messages });
      }),
  );

  server.registerTool(
    'add_ticket_reply',
    addTicketReplyTool,
    (args) =>
      runTool(scope, 'add_ticket_reply', async () => {
        if (!isUuid(args.id)) throw new ToolFailure(`No ticket with id ${args.id}`);
        const ticketId = args.id.toLowerCase();
        const added = await addReply(scope.ctx, scope.organizationId, ticketId, { role: 'agent', content: args.content, author: scope.actor });
        const message = {
          id: added.messageId,
          position: added.position,
          role: 'agent',
          kind: 'message',
          author: scope.actor,
          content: args.content.trim(),
          createdAt: added.createdAt,
        };
        return toolResult(`Reply added to ticket ${ticketId} at position ${added.position}.`, { ticketId, message });
      }),
  );
}

/** customerId wins when both are given, as on ext-v1 createTicket. */
function ticketCustomer(args: { customerId?: string | undefined; customerEmail?: string | undefined }): TicketCustomer {
  const id = args.customerId?.trim();
  if (id) return { id };
  if (args.customerEmail === undefined || args.customerEmail.trim() === '') {
    throw new ToolFailure('Either customerEmail or customerId is required');
  }
  const email = normalizeEmail(args.customerEmail);
  if (!isPlausibleEmail(email)) throw new ToolFailure('Invalid email format');
  return { email };
}
