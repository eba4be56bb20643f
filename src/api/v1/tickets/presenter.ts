import { Type } from '@sinclair/typebox';
import { MESSAGE_ROLES, TICKET_PRIORITIES, TICKET_STATUSES } from '../../../domain/tickets/model.js';
import { stringEnum } from '../../string-enum.js';
import { Timestamp } from '../schemas.js';

export const StatusSchema = stringEnum(TICKET_STATUSES);
export const PrioritySchema = stringEnum(TICKET_PRIORITIES);

export const TicketSchema = Type.Object({
  id: Type.String({ format: 'uuid' }),
  title: Type.String(),
  description: Type.String(),
  priority: stringEnum<string>(TICKET_PRIORITIES),
  status: stringEnum<string>(TICKET_STATUSES),
  channel: Type.String(),
  customerId: Type.String({ format: 'uuid' }),
  customerEmail: Type.String(),
  customerName: Type.String(),
  deviceId: Type.Union([Type.String({ format: 'uuid' }), Type.Null()]),
  deviceIdentifier: Type.Union([Type.String(), Type.Null()]),
  category: Type.Union([Type.String(), Type.Null()]),
  assignee: Type.Union([Type.Object({ id: Type.String({ format: 'uuid' }), email: Type.String() }), Type.Null()], {
    description: 'The user working on the ticket; null: unassigned',
  }),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});

export const AuthorSchema = Type.Object(
  {
    type: Type.String({ description: 'user, api_key, integration, customer, bot or system' }),
    id: Type.Union([Type.String(), Type.Null()], { description: 'The user, API key or customer id' }),
    name: Type.Union([Type.String(), Type.Null()], { description: "A user's or customer's e-mail at the time" }),
  },
  { description: 'Who wrote the message or made the change' },
);

export const MessageSchema = Type.Object({
  id: Type.String({ format: 'uuid' }),
  position: Type.Integer({ description: 'Order in the conversation, from 0' }),
  role: stringEnum<string>(MESSAGE_ROLES),
  kind: Type.String({ description: 'message, or note: internal to the team, never sent to the customer' }),
  author: AuthorSchema,
  content: Type.String(),
  createdAt: Timestamp,
});

export const ChangeSchema = Type.Object({
  id: Type.String({ format: 'uuid' }),
  type: Type.String({ description: 'status_changed, priority_changed, assignee_changed or category_changed' }),
  from: Type.Union([Type.String(), Type.Null()]),
  to: Type.Union([Type.String(), Type.Null()]),
  actor: AuthorSchema,
  createdAt: Timestamp,
});
