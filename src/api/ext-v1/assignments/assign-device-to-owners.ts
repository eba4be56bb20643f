import { Type } from '@sinclair/typebox';
import { assignDeviceToOwners } from '../../../domain/assignments/service.js';
import type { DomainContext } from '../../../domain/context.js';
import { isDomainError } from '../../../domain/errors.js';
import { organizationOf } from '../auth.js';
import { MAX_LIST_ITEMS, objectBody } from '../body.js';
import { ExtError } from '../errors.js';
import type { ExtRoute } from '../route.js';
import { customerEmailsField, deviceIdentifierField, typeForAutoCreate } from './fields.js';

const DEVICE_NOT_FOUND =
  'Device not found with the provided identifier. Set autoCreateDevice to true to create it automatically.';

const schema = {
  summary: 'Add owners to a device, creating missing customers (and the device, if asked)',
  body: Type.Object({
    deviceIdentifier: Type.String({ minLength: 1 }),
    customerEmails: Type.Array(Type.String(), {
      minItems: 1,
      maxItems: MAX_LIST_ITEMS,
      description: 'Normalized; invalid entries skipped, duplicates collapse',
    }),
    autoCreateDevice: Type.Optional(Type.Boolean({ default: false })),
    deviceType: Type.Optional(Type.String({ description: 'Required when autoCreateDevice is true' })),
  }),
  response: {
    200: Type.Object({
      success: Type.Literal(true),
      message: Type.String(),
      deviceId: Type.String({ format: 'uuid' }),
      deviceWasCreated: Type.Boolean(),
      assignedCustomers: Type.Array(
        Type.Object({ email: Type.String(), customerId: Type.String({ format: 'uuid' }), wasCreated: Type.Boolean() }),
        { description: 'One per valid, distinct email, in request order' },
      ),
    }),
  },
};

export function assignDeviceToOwnersRoute(ctx: DomainContext): ExtRoute {
  return {
    method: 'POST',
    url: '/deviceAssignment/assignDeviceToOwners',
    schema,
    handler: async (request) => {
      const organizationId = organizationOf(request);
      const body = objectBody(request.body);
      const deviceIdentifier = deviceIdentifierField(body);
      const emails = customerEmailsField(body);
      const createWithType = typeForAutoCreate(body, 'autoCreateDevice');
      try {
        const result = await assignDeviceToOwners(ctx, organizationId, { deviceIdentifier, emails, createWithType });
        return {
          success: true,
          message: `Successfully assigned device to ${result.customers.length} customer(s)`,
          deviceId: result.deviceId,
          deviceWasCreated: result.deviceWasCreated,
          assignedCustomers: result.customers.map(({ email, customerId, wasCreated }) => ({ email, customerId, wasCreated })),
        };
      } catch (error) {
        if (isDomainError(error, 'device_not_found')) throw new ExtError(404, DEVICE_NOT_FOUND);
        throw error;
      }
    },
  };
}
