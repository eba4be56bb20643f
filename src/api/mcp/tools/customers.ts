// search_customers and get_customer: who a customer is, what they own now, and what is open for them.
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { listAlerts } from '../../../domain/alerts/queries.js';
import { DEFAULT_PAGE_SIZE } from '../../../domain/dashboard/cursor.js';
import { findCustomerByEmail } from '../../../domain/customers/repository.js';
import { normalizeEmail } from '../../../domain/customers/email.js';
import {
  currentDevicesOf,
  customerView,
  getCustomer,
  listCustomers,
  listTickets,
  type CustomerView,
  type TicketView,
} from '../../../domain/dashboard/queries.js';
import { isUuid } from '../../../domain/ids.js';
import { runTool, toolResult, ToolFailure } from '../results.js';
import { alertOut, customerOut, idArg, pageArgs, pageOf, ticketOut } from '../schemas.js';
import type { ToolScope } from '../scope.js';

const UNRESOLVED_STATUSES = ['open', 'in_progress', 'waiting_for_customer'] as const;
/** How many unresolved tickets get_customer shows; a customer with more is a case for list_tickets. */
const OPEN_TICKETS_SHOWN = 50;
/** The same for open alerts; more is a case for list_alerts. */
const OPEN_ALERTS_SHOWN = 50;

const searchCustomersTool = {
  title: 'Search customers',
  description:
    'Find customers whose email or name contains a fragment (case-insensitive), newest first. Without query or email, lists every customer.',
  inputSchema: z.strictObject({
    query: z.string().max(200).optional().describe('A fragment of the email or the name'),
    email: z.string().max(254).optional().describe('An email address or a fragment of one'),
    ...pageArgs,
  }),
  outputSchema: pageOf(customerOut),
  annotations: { readOnlyHint: true },
};

const getCustomerTool = {
  title: 'Get a customer',
  description:
    "A customer by id or by email: contact fields, the devices they own now, their unresolved tickets and the open alerts of their devices.",
  inputSchema: z.strictObject({
    id: idArg('customer').optional(),
    email: z.string().max(254).optional().describe("The customer's email address"),
  }),
  outputSchema: {
    customer: customerOut,
    devices: z.array(z.object({ id: z.string(), identifier: z.string(), assignedAt: z.string() })),
    openTickets: z.array(ticketOut),
    openAlerts: z.array(alertOut),
  },
  annotations: { readOnlyHint: true },
};

export function registerCustomerTools(server: McpServer, scope: ToolScope): void {
  server.registerTool(
    'search_customers',
    searchCustomersTool,
    (args) =>
      runTool(scope, 'search_customers', async () => {
        if (args.query !== undefined && args.email !== undefined) throw new ToolFailure('Give query or email, not both');
        const q = args.query ?? args.email;
        const page = await listCustomers(scope.ctx.database.db, scope.organizationId, {
          q,
          cursor: args.cursor,
          limit: args.limit ?? DEFAULT_PAGE_SIZE,
        });
        const found = page.data.length === 0 ? 'No customer matches' : `${page.data.length} customer(s)`;
        const more = page.nextCursor ? '; more with cursor' : '';
        return toolResult(`${found}${q ? ` "${q}"` : ''}${more}.`, { data: page.data, nextCursor: page.nextCursor });
      }),
  );

  server.registerTool(
    'get_customer',
    getCustomerTool,
    (args) =>
      runTool(scope, 'get_customer', async () => {
        const customer = await findCustomer(scope, args);
        const { db } = scope.ctx.database;
        const devices = await currentDevicesOf(db, scope.organizationId, customer.id);
        const openTickets = await unresolvedTickets(scope, customer.id);
        // Alerts of the devices the customer owns now, whenever they opened: a device handed over brings its alerts.
        const openAlerts = (await listAlerts(db, scope.organizationId, { customerId: customer.id, status: 'open', limit: OPEN_ALERTS_SHOWN })).data;
        const lines = [
          `Customer ${customer.name} <${customer.email}> (id ${customer.id}).`,
          `Owns ${devices.length} device(s) now${devices.length ? `: ${devices.map((d) => d.deviceIdentifier).join(', ')}` : ''}.`,
          `${openTickets.length} unresolved ticket(s).`,
          `${openAlerts.length} open alert(s)${openAlerts.length ? `: ${openAlerts.map((a) => `${a.ruleName} on ${a.deviceIdentifier}`).join(', ')}` : ''}.`,
        ];
        return toolResult(lines.join('\n'), {
          customer,
          devices: devices.map((d) => ({ id: d.deviceId, identifier: d.deviceIdentifier, assignedAt: d.assignedAt })),
          openTickets,
          openAlerts,
        });
      }),
  );
}

async function findCustomer(scope: ToolScope, args: { id?: string | undefined; email?: string | undefined }): Promise<CustomerView> {
  const { db } = scope.ctx.database;
  if ((args.id === undefined) === (args.email === undefined)) throw new ToolFailure('Give either id or email');
  if (args.id !== undefined) {
    const found = isUuid(args.id) ? await getCustomer(db, scope.organizationId, args.id.toLowerCase()) : undefined;
    if (!found) throw new ToolFailure(`No customer with id ${args.id}`);
    return found;
  }
  const email = normalizeEmail(args.email!);
  const row = await findCustomerByEmail(db, scope.organizationId, email);
  if (!row) throw new ToolFailure(`No customer with email ${email}`);
  return customerView(row);
}

/** The customer's tickets not yet resolved, newest first. */
async function unresolvedTickets(scope: ToolScope, customerId: string): Promise<TicketView[]> {
  const { db } = scope.ctx.database;
  const pages = await Promise.all(
    UNRESOLVED_STATUSES.map((status) => listTickets(db, scope.organizationId, { customerId, status, limit: OPEN_TICKETS_SHOWN })),
  );
  return pages
    .flatMap((page) => page.data)
    .sort((a, b) => (a.createdAt === b.createdAt ? (a.id < b.id ? 1 : -1) : a.createdAt < b.createdAt ? 1 : -1))
    .slice(0, OPEN_TICKETS_SHOWN);
}
