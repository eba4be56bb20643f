// Zod schemas shared by the tools: paging arguments and the records they return (the /api/v1 shapes). Records are
// loose objects (additional properties allowed): clients check structuredContent against the published output
// schema, and a field the domain adds later must not make every client refuse the answer.
import { z } from 'zod';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../../domain/dashboard/cursor.js';
import { TICKET_PRIORITIES, TICKET_STATUSES } from '../../domain/dashboard/queries.js';

export const pageArgs = {
  limit: z
    .number()
    .int()
    .min(1)
    .max(MAX_PAGE_SIZE)
    .optional()
    .describe(`How many records to return, 1 to ${MAX_PAGE_SIZE} (default ${DEFAULT_PAGE_SIZE})`),
  cursor: z.string().max(200).optional().describe('nextCursor of the previous page, to read the next one'),
};

export const idArg = (what: string) => z.string().min(1).max(64).describe(`The ${what}'s id (a UUID)`);

export const ticketStatus = z.enum(TICKET_STATUSES);
export const ticketPriority = z.enum(TICKET_PRIORITIES);

const metadata = z.record(z.string(), z.unknown());
const timestamp = z.string().describe('ISO 8601');

export const customerOut = z.looseObject({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  phone: z.string().nullable(),
  address: z.string().nullable(),
  metadata,
  createdAt: timestamp,
  updatedAt: timestamp,
});

export const deviceOut = z.looseObject({
  id: z.string(),
  identifier: z.string(),
  type: z.string().nullable(),
  metadata,
  createdAt: timestamp,
  updatedAt: timestamp,
});

export const assignmentOut = z.looseObject({
  id: z.string(),
  deviceId: z.string(),
  deviceIdentifier: z.string(),
  customerId: z.string(),
  customerEmail: z.string(),
  customerName: z.string(),
  assignedAt: timestamp,
  unassignedAt: timestamp.nullable(),
});

export const ticketOut = z.looseObject({
  id: z.string(),
  title: z.string(),
  description: z.string(),
  priority: z.string(),
  status: z.string(),
  channel: z.string(),
  customerId: z.string(),
  customerEmail: z.string(),
  customerName: z.string(),
  deviceId: z.string().nullable(),
  deviceIdentifier: z.string().nullable(),
  category: z.string().nullable(),
  assignee: z.object({ id: z.string(), email: z.string() }).nullable(),
  createdAt: timestamp,
  updatedAt: timestamp,
});

export const messageOut = z.looseObject({
  id: z.string(),
  position: z.number().int(),
  role: z.string(),
  kind: z.string().describe('message, or note (internal, never shown to the customer)'),
  author: z.object({ type: z.string(), id: z.string().nullable(), name: z.string().nullable() }),
  content: z.string(),
  createdAt: timestamp,
});

export const alertOut = z.looseObject({
  id: z.string(),
  ruleId: z.string(),
  ruleName: z.string(),
  kind: z.string(),
  deviceId: z.string(),
  deviceIdentifier: z.string(),
  deviceType: z.string().nullable(),
  severity: z.string(),
  status: z.enum(['open', 'cleared']),
  openedAt: timestamp,
  lastTriggeredAt: timestamp,
  triggerCount: z.number().int(),
  acknowledgedAt: timestamp.nullable(),
  clearedAt: timestamp.nullable(),
  reading: z.object({ key: z.string(), ts: z.number(), value: z.union([z.number(), z.boolean(), z.string()]) }).nullable(),
  owners: z.array(z.object({ customerId: z.string(), email: z.string(), name: z.string() })),
  ticketId: z.string().nullable(),
  diagnosis: z.object({ summary: z.string(), details: z.string(), source: z.string() }),
});

export const pageOf = <T extends z.ZodType>(item: T) => ({ data: z.array(item), nextCursor: z.string().nullable() });
