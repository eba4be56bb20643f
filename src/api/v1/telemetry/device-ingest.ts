// POST /api/v1/telemetry: a device reports its own readings with its device token, in any of ThingsBoard's three
// device shapes. Only a device token gets in: the route is outside /api/v1's own authenticators (v1Public), and
// its onRequest hook, which runs before the body is read, accepts a device token and nothing else.
import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { DomainContext } from '../../../domain/context.js';
import { isDomainError } from '../../../domain/errors.js';
import { authenticateDeviceToken, type DeviceTokenPrincipal } from '../../../domain/telemetry/device-tokens.js';
import { refusalMessage } from '../../../domain/telemetry/batch-ingest.js';
import { ingestReadings } from '../../../domain/telemetry/ingest.js';
import { recordIngestError } from '../../../domain/telemetry/ingest-errors.js';
import { parseDeviceShapes } from '../../../domain/telemetry/shapes.js';
import { bearerToken } from '../auth.js';
import { ErrorResponses, V1Error } from '../errors.js';
import { refuseEncodedBody } from './gzip.js';
import { ingestProblem } from './problems.js';

export const DEVICE_UNAUTHORIZED_MESSAGE = 'Missing, invalid or revoked device token: send Authorization: Bearer tlmd_…';

export const Accepted = Type.Object({ accepted: Type.Integer({ description: 'Readings stored' }) });

const Body = Type.Union([Type.Record(Type.String(), Type.Unknown()), Type.Array(Type.Unknown())], {
  description:
    'One of ThingsBoard\'s device shapes: {"key": value, …}, {"ts": ms, "values": {…}}, or an array of the latter',
});

declare module 'fastify' {
  interface FastifyRequest {
    telemetryDevice?: DeviceTokenPrincipal;
  }
}

export function registerDeviceIngest(app: FastifyInstance, ctx: DomainContext): void {
  app.post(
    '/telemetry',
    {
      config: { v1Public: true },
      onRequest: async (request: FastifyRequest) => {
        const device = await authenticateDeviceToken(ctx, bearerToken(request));
        if (!device) throw new V1Error('unauthorized', DEVICE_UNAUTHORIZED_MESSAGE);
        request.telemetryDevice = device;
      },
      preParsing: async (request) => refuseEncodedBody(request),
      schema: {
        tags: ['telemetry'],
        security: [{ deviceToken: [] }],
        summary: "A device's own readings (device token only)",
        body: Body,
        response: { 202: Accepted, ...ErrorResponses },
      },
    },
    async (request, reply) => {
      const device = request.telemetryDevice!;
      const receivedAt = ctx.clock.now().getTime();
      let readings;
      try {
        readings = parseDeviceShapes(request.body, receivedAt, receivedAt);
      } catch (error) {
        if (isDomainError(error, 'invalid_input')) {
          await recordIngestError(ctx, device.organizationId, device.deviceId, refusalMessage(error));
        }
        return ingestProblem(error);
      }
      const accepted = await ingestReadings(ctx, device.organizationId, [{ deviceId: device.deviceId, readings }]).catch(ingestProblem);
      return reply.code(202).send({ accepted });
    },
  );
}
