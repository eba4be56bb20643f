// Zod schemas shared by the tools: paging arguments and the records they return (the /api/v1 shapes).
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

export const customerOut = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  phone: z.string().nullable(),
  address: z.string().nullable(),
  metadata,
  createdAt: timestamp,
  updatedAt: timestamp,
});

export const deviceOut = z.object({
  id: z.string(),
  identifier: z.string(),
  type: z.string().nullable(),
  metadata,
  createdAt: timestamp,
  updatedAt: timestamp,
});

export const assignmentOut = z.object({
  id: z.string(),
  deviceId: z.string(),
  deviceIdentifier: z.string(),
  customerId: z.string(),
  customerEmail: z.string(),
  customerName: z.string(),
  assignedAt: timestamp,
  unassignedAt: timestamp.nullable(),
});

export const ticketOut = z.object({
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
  createdAt: timestamp,
  updatedAt: timestamp,
});

export const messageOut = z.object({
  id: z.string(),
  position: z.number().int(),
  role: z.string(),
  content: z.string(),
  createdAt: timestamp,
});

export const pageOf = <T extends z.ZodType>(item: T) => ({ data: z.array(item), nextCursor: z.string().nullable() });
