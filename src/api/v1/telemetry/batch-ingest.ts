// POST /api/v1/telemetry/batch: a back end reports readings for many devices of its organization, keyed by device
// identifier, as JSON or CSV, optionally gzip-encoded. Up to 10 MiB, counted after inflating.
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { DomainContext } from '../../../domain/context.js';
import { parseCsvBatch, parseJsonBatch } from '../../../domain/telemetry/batch.js';
import { ingestBatch } from '../../../domain/telemetry/batch-ingest.js';
import { BATCH_BODY_LIMIT } from '../../../domain/telemetry/model.js';
import { principalOf } from '../auth.js';
import { ErrorResponses } from '../errors.js';
import { tagged } from '../schemas.js';
import { Accepted } from './device-ingest.js';
import { inflateGzipBody } from './gzip.js';
import { ingestProblem } from './problems.js';

const Body = Type.Union([Type.Record(Type.String(), Type.Unknown()), Type.String()], {
  description:
    'JSON: {"<device identifier>": <device shape>, …}; or text/csv with the header row device,ts,key,value',
});

export function registerBatchIngest(app: FastifyInstance, ctx: DomainContext): void {
  app.post(
    '/telemetry/batch',
    {
      bodyLimit: BATCH_BODY_LIMIT,
      preParsing: inflateGzipBody,
      schema: {
        ...tagged('telemetry'),
        summary: 'Readings of many devices, keyed by identifier (JSON or CSV, optionally gzip)',
        body: Body,
        response: { 202: Accepted, ...ErrorResponses },
      },
    },
    async (request, reply) => {
      const { organizationId } = principalOf(request);
      const receivedAt = ctx.clock.now().getTime();
      const parsed =
        typeof request.body === 'string'
          ? parseCsvBatch(request.body, receivedAt, receivedAt)
          : parseJsonBatch(request.body as Record<string, unknown>, receivedAt, receivedAt);
      const accepted = await ingestBatch(ctx, organizationId, parsed).catch(ingestProblem);
      return reply.code(202).send({ accepted });
    },
  );
}
