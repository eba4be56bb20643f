import { ErrorResponses } from '../errors.js';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { DomainContext } from '../../../domain/context.js';
import { currentDevicesOf, getCustomer } from '../../../domain/dashboard/queries.js';
import { principalOf } from '../auth.js';
import { V1Error } from '../errors.js';
import { idOr404, IdParams } from '../path-id.js';
import { tagged } from '../schemas.js';
import { CustomerSchema, OwnedDeviceSchema } from './presenter.js';

const Response = Type.Composite([
  CustomerSchema,
  Type.Object({ devices: Type.Array(OwnedDeviceSchema, { description: 'Devices owned now, oldest link first' }) }),
]);

export function registerGetCustomer(app: FastifyInstance, ctx: DomainContext): void {
  app.get(
    '/customers/:id',
    { schema: { ...tagged('customers'), summary: 'A customer with the devices it owns now', params: IdParams, response: { 200: Response, ...ErrorResponses } } },
    async (request) => {
      const { organizationId } = principalOf(request);
      const id = idOr404(request.params, 'Customer');
      const customer = await getCustomer(ctx.database.db, organizationId, id);
      if (!customer) throw new V1Error('not_found', 'Customer not found');
      const devices = await currentDevicesOf(ctx.database.db, organizationId, id);
      return { ...customer, devices: devices.map((d) => ({ id: d.deviceId, identifier: d.deviceIdentifier, assignedAt: d.assignedAt })) };
    },
  );
}
