import { Type } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import type { DomainContext } from '../../../domain/context.js';
import { getCustomerRecord } from '../../../domain/customers/service.js';
import { isUuid } from '../../../domain/ids.js';
import { organizationOf } from '../auth.js';
import { badRequest } from '../body.js';
import { ExtError } from '../errors.js';
import type { ExtRoute } from '../route.js';
import { CustomerRecordSchema, presentCustomer } from './presenter.js';

export function getCustomerRoute(ctx: DomainContext): ExtRoute {
  return {
    method: 'GET',
    url: '/customer/getCustomer/:telemetronCustomerId',
    schema: {
      summary: 'Fetch a customer by id',
      params: Type.Object({ telemetronCustomerId: Type.String({ format: 'uuid' }) }),
      response: { 200: CustomerRecordSchema },
    },
    handler: async (request: FastifyRequest) => {
      const organizationId = organizationOf(request);
      const { telemetronCustomerId } = request.params as { telemetronCustomerId: string };
      if (!isUuid(telemetronCustomerId)) throw badRequest('Invalid customer ID');
      const record = await getCustomerRecord(ctx, organizationId, telemetronCustomerId.toLowerCase());
      if (!record) throw new ExtError(404, 'Customer not found');
      return presentCustomer(record);
    },
  };
}
