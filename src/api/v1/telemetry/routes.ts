// Ingest on /api/v1: a device's own readings and a back end's batches. In a scope of their own, so that the CSV
// body parser applies to these paths only.
import type { FastifyInstance } from 'fastify';
import type { DomainContext } from '../../../domain/context.js';
import { registerBatchIngest } from './batch-ingest.js';
import { registerDeviceIngest } from './device-ingest.js';

export async function registerTelemetryRoutes(app: FastifyInstance, ctx: DomainContext): Promise<void> {
  await app.register(async (scope) => {
    scope.addContentTypeParser('text/csv', { parseAs: 'string' }, (_request, body, done) => done(null, body));
    registerDeviceIngest(scope, ctx);
    registerBatchIngest(scope, ctx);
  });
}
