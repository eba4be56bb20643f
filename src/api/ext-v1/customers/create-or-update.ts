import { Type } from '@sinclair/typebox';
import { isDomainError } from '../../../domain/errors.js';
import { createCustomer, updateCustomer, type CustomerPatch } from '../../../domain/customers/service.js';
import type { DomainContext } from '../../../domain/context.js';
import { isUuid } from '../../../domain/ids.js';
import { organizationOf } from '../auth.js';
import { objectBody, optionalObject, optionalString, type JsonObject } from '../body.js';
import { ExtError } from '../errors.js';
import type { ExtRoute } from '../route.js';
import { requiredEmail } from './email-field.js';

const EMAIL_TAKEN = 'Customer already exists with this email. Specify telemetronCustomerId to update fields.';
const NOT_FOUND = 'Customer not found or does not belong to this organization';

const schema = {
  summary: 'Create a customer, or update one by telemetronCustomerId',
  body: Type.Object({
    email: Type.String({ format: 'email' }),
    name: Type.Optional(Type.String({ description: 'Defaults to the part of the email before "@"' })),
    phone: Type.Optional(Type.String({ description: 'Empty string clears it' })),
    address: Type.Optional(Type.String({ description: 'Empty string clears it' })),
    telemetronCustomerId: Type.Optional(Type.String({ format: 'uuid', description: 'Present: update this customer' })),
    metadata: Type.Optional(Type.Object({}, { additionalProperties: true, description: 'Replaces stored metadata' })),
  }),
  response: {
    200: Type.Object({
      success: Type.Literal(true),
      telemetronCustomerId: Type.String({ format: 'uuid' }),
      message: Type.Union([Type.Literal('Customer created successfully'), Type.Literal('Customer updated successfully')]),
    }),
  },
};

/** Fields common to create and update; `""` for phone or address clears it, an empty name is ignored. */
function readFields(body: JsonObject): Omit<CustomerPatch, 'email'> {
  const fields: Omit<CustomerPatch, 'email'> = {};
  const name = optionalString(body, 'name')?.trim();
  if (name) fields.name = name;
  const phone = optionalString(body, 'phone');
  if (phone !== undefined) fields.phone = phone === '' ? null : phone;
  const address = optionalString(body, 'address');
  if (address !== undefined) fields.address = address === '' ? null : address;
  const metadata = optionalObject(body, 'metadata');
  if (metadata !== undefined) fields.metadata = metadata;
  return fields;
}

export function createOrUpdateCustomerRoute(ctx: DomainContext): ExtRoute {
  return {
    method: 'POST',
    url: '/customer/createOrUpdateCustomer',
    schema,
    handler: async (request) => {
      const organizationId = organizationOf(request);
      const body = objectBody(request.body);
      const email = requiredEmail(body);
      const fields = readFields(body);
      const customerId = optionalString(body, 'telemetronCustomerId')?.trim();
      try {
        if (customerId) {
          if (!isUuid(customerId)) throw new ExtError(404, NOT_FOUND);
          await updateCustomer(ctx, organizationId, customerId, { ...fields, email });
          return { success: true, telemetronCustomerId: customerId, message: 'Customer updated successfully' };
        }
        const id = await createCustomer(ctx, organizationId, { ...fields, email });
        return { success: true, telemetronCustomerId: id, message: 'Customer created successfully' };
      } catch (error) {
        if (isDomainError(error, 'customer_email_taken')) {
          throw new ExtError(409, EMAIL_TAKEN, { telemetronCustomerId: error.problem.customerId });
        }
        if (isDomainError(error, 'customer_not_found')) throw new ExtError(404, NOT_FOUND);
        throw error;
      }
    },
  };
}
