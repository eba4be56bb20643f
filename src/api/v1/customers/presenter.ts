import { Type } from '@sinclair/typebox';
import { Metadata, Timestamp } from '../schemas.js';

export const CustomerSchema = Type.Object({
  id: Type.String({ format: 'uuid' }),
  email: Type.String(),
  name: Type.String(),
  phone: Type.Union([Type.String(), Type.Null()]),
  address: Type.Union([Type.String(), Type.Null()]),
  metadata: Metadata,
  createdAt: Timestamp,
  updatedAt: Timestamp,
});

export const OwnedDeviceSchema = Type.Object({
  id: Type.String({ format: 'uuid' }),
  identifier: Type.String(),
  assignedAt: Timestamp,
});
