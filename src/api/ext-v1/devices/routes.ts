import type { FastifyInstance } from 'fastify';
import type { DomainContext } from '../../../domain/context.js';
import { defineExtRoute } from '../route.js';
import { bulkMetadataRoute } from './bulk-metadata.js';
import { upsertDeviceRoute } from './upsert.js';

export function registerDeviceRoutes(app: FastifyInstance, ctx: DomainContext): void {
  for (const route of [upsertDeviceRoute(ctx), bulkMetadataRoute(ctx)]) {
    defineExtRoute(app, route);
  }
}
