import { Type, type Static } from '@sinclair/typebox';
import type { CustomerRecord } from '../../../domain/customers/service.js';

export const CustomerRecordSchema = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    organizationId: Type.String({ format: 'uuid' }),
    name: Type.String(),
    email: Type.String(),
    phone: Type.Union([Type.String(), Type.Null()]),
    address: Type.Union([Type.String(), Type.Null()]),
    devices: Type.Array(Type.String(), { description: 'Identifiers of currently assigned devices, oldest first' }),
    orders: Type.Array(Type.String()),
    metadata: Type.Object({}, { additionalProperties: true }),
    createdAt: Type.String({ format: 'date-time' }),
    updatedAt: Type.String({ format: 'date-time' }),
  },
  { description: 'A customer as ext-v1 shows it' },
);

export function presentCustomer({ customer, metadata, devices, orders }: CustomerRecord): Static<typeof CustomerRecordSchema> {
  return {
    id: customer.id,
    organizationId: customer.organization_id,
    name: customer.name,
    email: customer.email,
    phone: customer.phone,
    address: customer.address,
    devices,
    orders,
    metadata,
    createdAt: customer.created_at,
    updatedAt: customer.updated_at,
  };
}
