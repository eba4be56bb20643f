import { ErrorResponses } from '../errors.js';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { DomainContext } from '../../../domain/context.js';
import { currentOwnersOf, getDevice } from '../../../domain/dashboard/queries.js';
import { principalOf } from '../auth.js';
import { V1Error } from '../errors.js';
import { idOr404, IdParams } from '../path-id.js';
import { tagged, Timestamp } from '../schemas.js';
import { deviceTelemetryStatus } from '../../../domain/telemetry/status.js';
import { AssignmentSchema, DeviceSchema } from './presenter.js';

const Response = Type.Composite([
  DeviceSchema,
  Type.Object({
    owners: Type.Array(AssignmentSchema, { description: 'Current owners, oldest link first' }),
    lastSeenAt: Type.Union([Timestamp, Type.Null()], { description: 'When the device last reported a reading (receive time)' }),
  }),
]);

export function registerGetDevice(app: FastifyInstance, ctx: DomainContext): void {
  app.get(
    '/devices/:id',
    { schema: { ...tagged('devices'), summary: 'A device with its current owners', params: IdParams, response: { 200: Response, ...ErrorResponses } } },
    async (request) => {
      const { organizationId } = principalOf(request);
      const id = idOr404(request.params, 'Device');
      const device = await getDevice(ctx.database.db, organizationId, id);
      if (!device) throw new V1Error('not_found', 'Device not found');
      const owners = await currentOwnersOf(ctx.database.db, organizationId, id);
      const status = await deviceTelemetryStatus(ctx, organizationId, id);
      return { ...device, owners, lastSeenAt: status?.lastSeenAt ?? null };
    },
  );
}
