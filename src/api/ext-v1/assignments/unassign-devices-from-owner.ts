import { Type } from '@sinclair/typebox';
import { unassignDevicesFromOwner } from '../../../domain/assignments/service.js';
import type { DomainContext } from '../../../domain/context.js';
import { isDomainError } from '../../../domain/errors.js';
import { organizationOf } from '../auth.js';
import { objectBody } from '../body.js';
import { ExtError } from '../errors.js';
import type { ExtRoute } from '../route.js';
import { customerDevicesFields, customerDevicesSchema } from './fields.js';
import { CUSTOMER_NOT_FOUND } from './unassign-device-from-owner.js';

const schema = {
  summary: "End several devices' links with a customer (kept as history)",
  body: Type.Object(customerDevicesSchema),
  response: {
    200: Type.Object({
      success: Type.Literal(true),
      message: Type.String(),
      customerId: Type.String({ format: 'uuid' }),
      unassignedDevices: Type.Array(Type.String()),
      skipped: Type.Array(Type.String(), { description: 'Not assigned to this customer (unknown devices included)' }),
      devicesRemaining: Type.Array(Type.String(), { description: 'Oldest link first' }),
    }),
  },
};

export function unassignDevicesFromOwnerRoute(ctx: DomainContext): ExtRoute {
  return {
    method: 'POST',
    url: '/deviceAssignment/unassignDevicesFromOwner',
    schema,
    handler: async (request) => {
      const organizationId = organizationOf(request);
      const body = objectBody(request.body);
      const { email, deviceIdentifiers } = customerDevicesFields(body);
      try {
        const result = await unassignDevicesFromOwner(ctx, organizationId, { email, deviceIdentifiers });
        return {
          success: true,
          message: `Successfully unassigned ${result.unassigned.length} device(s) from customer`,
          customerId: result.customerId,
          unassignedDevices: result.unassigned,
          skipped: result.skipped,
          devicesRemaining: result.devicesRemaining,
        };
      } catch (error) {
        if (isDomainError(error, 'customer_not_found')) throw new ExtError(404, CUSTOMER_NOT_FOUND);
        throw error;
      }
    },
  };
}
