import { Type } from '@sinclair/typebox';
import { unassignDevicesFromOwner } from '../../../domain/assignments/service.js';
import type { DomainContext } from '../../../domain/context.js';
import { isDomainError } from '../../../domain/errors.js';
import { organizationOf } from '../auth.js';
import { badRequest, objectBody } from '../body.js';
import { ExtError } from '../errors.js';
import type { ExtRoute } from '../route.js';
import { customerEmailField, deviceIdentifierField } from './fields.js';

export const CUSTOMER_NOT_FOUND = 'Customer not found for this organization';

const schema = {
  summary: "End a device's link with a customer (kept as history)",
  body: Type.Object({ deviceIdentifier: Type.String({ minLength: 1 }), customerEmail: Type.String({ format: 'email' }) }),
  response: {
    200: Type.Object({
      success: Type.Literal(true),
      message: Type.Literal('Device successfully unassigned from customer'),
      customerId: Type.String({ format: 'uuid' }),
      deviceIdentifier: Type.String(),
      devicesRemaining: Type.Array(Type.String(), { description: 'Oldest link first' }),
    }),
  },
};

export function unassignDeviceFromOwnerRoute(ctx: DomainContext): ExtRoute {
  return {
    method: 'POST',
    url: '/deviceAssignment/unassignDeviceFromOwner',
    schema,
    handler: async (request) => {
      const organizationId = organizationOf(request);
      const body = objectBody(request.body);
      const deviceIdentifier = deviceIdentifierField(body);
      const email = customerEmailField(body);
      try {
        const result = await unassignDevicesFromOwner(ctx, organizationId, {
          email,
          deviceIdentifiers: [deviceIdentifier],
          requireAll: true,
        });
        return {
          success: true,
          message: 'Device successfully unassigned from customer',
          customerId: result.customerId,
          deviceIdentifier,
          devicesRemaining: result.devicesRemaining,
        };
      } catch (error) {
        if (isDomainError(error, 'customer_not_found')) throw new ExtError(404, CUSTOMER_NOT_FOUND);
        if (isDomainError(error, 'device_not_assigned')) {
          const { customerId, currentDevices } = error.problem;
          throw badRequest('Device is not assigned to this customer', { customerId, deviceIdentifier, currentDevices });
        }
        throw error;
      }
    },
  };
}
