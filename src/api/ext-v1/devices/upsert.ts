import { Type } from '@sinclair/typebox';
import type { DomainContext } from '../../../domain/context.js';
import { upsertDevice } from '../../../domain/devices/service.js';
import { isDomainError } from '../../../domain/errors.js';
import { organizationOf } from '../auth.js';
import { badRequest, objectBody, optionalObject, optionalString } from '../body.js';
import type { ExtRoute } from '../route.js';
import { requiredIdentifier } from './identifier-field.js';

const schema = {
  summary: 'Create a device, or update it by identifier',
  body: Type.Object({
    identifier: Type.String({ minLength: 1, maxLength: 255, description: "The device's natural key (serial number, MAC ...), trimmed" }),
    type: Type.Optional(Type.String({ description: 'Required when the device does not exist yet' })),
    properties: Type.Optional(
      Type.Object({}, { additionalProperties: true, description: 'Merged key by key into the stored metadata' }),
    ),
  }),
  response: {
    200: Type.Object({
      success: Type.Literal(true),
      message: Type.Union([Type.Literal('Device created successfully'), Type.Literal('Device updated successfully')]),
      deviceId: Type.String({ format: 'uuid' }),
      identifier: Type.String(),
      type: Type.Union([Type.String(), Type.Null()]),
    }),
  },
};

export function upsertDeviceRoute(ctx: DomainContext): ExtRoute {
  return {
    method: 'POST',
    url: '/device',
    schema,
    handler: async (request) => {
      const organizationId = organizationOf(request);
      const body = objectBody(request.body);
      const identifier = requiredIdentifier(body, 'identifier');
      const type = optionalString(body, 'type')?.trim() || undefined;
      const properties = optionalObject(body, 'properties', 'properties must be an object');
      try {
        const device = await upsertDevice(ctx, organizationId, { identifier, type, properties });
        return {
          success: true,
          message: device.wasCreated ? 'Device created successfully' : 'Device updated successfully',
          deviceId: device.deviceId,
          identifier: device.identifier,
          type: device.type,
        };
      } catch (error) {
        if (isDomainError(error, 'device_type_required')) throw badRequest('type is required when creating a new device');
        throw error;
      }
    },
  };
}
