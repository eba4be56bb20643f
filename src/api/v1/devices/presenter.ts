import { Type } from '@sinclair/typebox';
import { Metadata, Timestamp } from '../schemas.js';

export const DeviceSchema = Type.Object({
  id: Type.String({ format: 'uuid' }),
  identifier: Type.String(),
  type: Type.Union([Type.String(), Type.Null()]),
  metadata: Metadata,
  createdAt: Timestamp,
  updatedAt: Timestamp,
});

export const AssignmentSchema = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    customerId: Type.String({ format: 'uuid' }),
    customerEmail: Type.String(),
    customerName: Type.String(),
    assignedAt: Timestamp,
    unassignedAt: Type.Union([Timestamp, Type.Null()], { description: 'null while the link is current' }),
  },
  { description: 'One owner of the device, from assignedAt until unassignedAt' },
);
