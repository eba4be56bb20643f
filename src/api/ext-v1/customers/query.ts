import { Type } from '@sinclair/typebox';
import type { DomainContext } from '../../../domain/context.js';
import { findCustomerRecordByEmail } from '../../../domain/customers/service.js';
import { organizationOf } from '../auth.js';
import { badRequest, objectBody } from '../body.js';
import { ExtError } from '../errors.js';
import type { ExtRoute } from '../route.js';
import { CustomerRecordSchema, presentCustomer } from './presenter.js';

export function queryCustomerRoute(ctx: DomainContext): ExtRoute {
  return {
    method: 'POST',
    url: '/customer/queryCustomer',
    schema: {
      summary: 'Find a customer by email (case-insensitive)',
      body: Type.Object({ email: Type.String({ format: 'email' }) }),
      response: { 200: CustomerRecordSchema },
    },
    handler: async (request) => {
      const organizationId = organizationOf(request);
      const body = objectBody(request.body);
      const email = body.email;
      if (typeof email !== 'string' || email.trim() === '') throw badRequest('Email is required');
      // PostgreSQL cannot even compare text holding NUL; refused like every other ext-v1 string (docs/api/decisions.md).
      if (email.includes('\0')) throw badRequest('email must not contain NUL characters');
      const record = await findCustomerRecordByEmail(ctx, organizationId, email);
      if (!record) throw new ExtError(404, 'Customer not found');
      return presentCustomer(record);
    },
  };
}
