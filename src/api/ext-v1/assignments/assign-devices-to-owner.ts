import { Type } from '@sinclair/typebox';
import { assignDevicesToOwner } from '../../../domain/assignments/service.js';
import type { DomainContext } from '../../../domain/context.js';
import { organizationOf } from '../auth.js';
import { objectBody } from '../body.js';
import type { ExtRoute } from '../route.js';
import { customerDevicesFields, customerDevicesSchema, typeForAutoCreate } from './fields.js';

const DeviceEntry = Type.Object({
  identifier: Type.String(),
  deviceId: Type.String({ format: 'uuid' }),
  wasCreated: Type.Boolean(),
});

const schema = {
  summary: 'Link devices to one customer, creating the customer (and missing devices, if asked)',
  body: Type.Object({
    ...customerDevicesSchema,
    autoCreateDevices: Type.Optional(Type.Boolean({ default: false })),
    deviceType: Type.Optional(Type.String({ description: 'Required when autoCreateDevices is true' })),
  }),
  response: {
    200: Type.Object({
      success: Type.Literal(true),
      message: Type.String(),
      customerId: Type.String({ format: 'uuid' }),
      customerWasCreated: Type.Boolean(),
      assignedDevices: Type.Array(DeviceEntry, { description: 'Newly linked (maybe created), in request order' }),
      alreadyAssigned: Type.Array(DeviceEntry, { description: 'Linked already' }),
      skipped: Type.Array(Type.String(), { description: 'Unknown devices, auto-create off' }),
    }),
  },
};

export function assignDevicesToOwnerRoute(ctx: DomainContext): ExtRoute {
  return {
    method: 'POST',
    url: '/deviceAssignment/assignDevicesToOwner',
    schema,
    handler: async (request) => {
      const organizationId = organizationOf(request);
      const body = objectBody(request.body);
      const { email, deviceIdentifiers } = customerDevicesFields(body);
      const createWithType = typeForAutoCreate(body, 'autoCreateDevices');
      const result = await assignDevicesToOwner(ctx, organizationId, { email, deviceIdentifiers, createWithType });
      const linked = result.assigned.length + result.alreadyAssigned.length;
      return {
        success: true,
        message: `Successfully assigned ${linked} device(s) to customer`,
        customerId: result.customerId,
        customerWasCreated: result.customerWasCreated,
        assignedDevices: result.assigned,
        alreadyAssigned: result.alreadyAssigned,
        skipped: result.skipped,
      };
    },
  };
}
