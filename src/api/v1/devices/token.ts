// A device's token (POST issues a new one, replacing the old at once; DELETE revokes it). The token is in the
// POST's response only. From a dashboard session this needs the admin role.
import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { DomainContext } from '../../../domain/context.js';
import { issueDeviceToken, revokeDeviceToken } from '../../../domain/telemetry/device-tokens.js';
import { principalOf } from '../auth.js';
import { ErrorResponses, V1Error } from '../errors.js';
import { idOr404, IdParams } from '../path-id.js';
import { tagged, Timestamp } from '../schemas.js';
import { ingestProblem } from '../telemetry/problems.js';

const Issued = Type.Object({
  deviceId: Type.String({ format: 'uuid' }),
  token: Type.String({ description: 'tlmd_…: shown in this response only' }),
  createdAt: Timestamp,
});
const Revoked = Type.Object({ deviceId: Type.String({ format: 'uuid' }), revokedAt: Timestamp });

function organizationOfAdmin(request: FastifyRequest): string {
  const principal = principalOf(request);
  if (principal.via === 'session' && principal.role !== 'admin') throw new V1Error('forbidden', 'Managing device tokens needs the admin role');
  return principal.organizationId;
}

export function registerDeviceToken(app: FastifyInstance, ctx: DomainContext): void {
  app.post(
    '/devices/:id/token',
    {
      schema: {
        ...tagged('devices'),
        summary: "Issue the device's token for POST /api/v1/telemetry and MQTT (replaces its previous one at once)",
        params: IdParams,
        response: { 201: Issued, ...ErrorResponses },
      },
    },
    async (request, reply) => {
      const organizationId = organizationOfAdmin(request);
      const id = idOr404(request.params, 'Device');
      const issued = await issueDeviceToken(ctx, organizationId, id).catch(ingestProblem);
      return reply.code(201).send(issued);
    },
  );

  app.delete(
    '/devices/:id/token',
    {
      schema: {
        ...tagged('devices'),
        summary: "Revoke the device's token: its readings are refused from now on",
        params: IdParams,
        response: { 200: Revoked, ...ErrorResponses },
      },
    },
    async (request) => {
      const organizationId = organizationOfAdmin(request);
      const id = idOr404(request.params, 'Device');
      if (!(await revokeDeviceToken(ctx, organizationId, id))) throw new V1Error('not_found', 'The device has no live token');
      return { deviceId: id, revokedAt: ctx.clock.now().toISOString() };
    },
  );
}
