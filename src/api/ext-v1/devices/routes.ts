import type { FastifyInstance } from 'fastify';
import type { DomainContext } from '../../../domain/context.js';
import { defineExtRoute } from '../route.js';
import { registerBulkMetadata } from './bulk-metadata.js';
import { upsertDeviceRoute } from './upsert.js';

export function registerDeviceRoutes(app: FastifyInstance, ctx: DomainContext): void {
  defineExtRoute(app, upsertDeviceRoute(ctx));
  registerBulkMetadata(app, ctx);
}
