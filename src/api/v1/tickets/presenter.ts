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
  createdAt: Timestamp,
  updatedAt: Timestamp,
});

export const MessageSchema = Type.Object({
  id: Type.String({ format: 'uuid' }),
  position: Type.Integer({ description: 'Order in the conversation, from 0' }),
  role: stringEnum<string>(MESSAGE_ROLES),
  content: Type.String(),
  createdAt: Timestamp,
});
