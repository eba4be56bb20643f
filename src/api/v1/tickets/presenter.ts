import { Type } from '@sinclair/typebox';
import { TICKET_PRIORITIES, TICKET_STATUSES } from '../../../domain/dashboard/queries.js';
import { Timestamp } from '../schemas.js';

export const StatusSchema = Type.Union(TICKET_STATUSES.map((s) => Type.Literal(s)));
export const PrioritySchema = Type.Union(TICKET_PRIORITIES.map((p) => Type.Literal(p)));

export const TicketSchema = Type.Object({
  id: Type.String({ format: 'uuid' }),
  title: Type.String(),
  description: Type.String(),
  priority: Type.String({ description: 'low, medium, high or urgent' }),
  status: Type.String({ description: 'open, in_progress, waiting_for_customer or resolved' }),
  channel: Type.String(),
  customerId: Type.String({ format: 'uuid' }),
  customerEmail: Type.String(),
  customerName: Type.String(),
  deviceId: Type.Union([Type.String({ format: 'uuid' }), Type.Null()]),
  deviceIdentifier: Type.Union([Type.String(), Type.Null()]),
  category: Type.Union([Type.String(), Type.Null()]),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});

export const MessageSchema = Type.Object({
  id: Type.String({ format: 'uuid' }),
  position: Type.Integer({ description: 'Order in the conversation, from 0' }),
  role: Type.String({ description: 'customer, agent or bot' }),
  content: Type.String(),
  createdAt: Timestamp,
});
