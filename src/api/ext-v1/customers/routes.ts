import type { FastifyInstance } from 'fastify';
import type { DomainContext } from '../../../domain/context.js';
import { defineExtRoute } from '../route.js';
import { createOrUpdateCustomerRoute } from './create-or-update.js';
import { getCustomerRoute } from './get.js';
import { queryCustomerRoute } from './query.js';

export function registerCustomerRoutes(app: FastifyInstance, ctx: DomainContext): void {
  for (const route of [createOrUpdateCustomerRoute(ctx), queryCustomerRoute(ctx), getCustomerRoute(ctx)]) {
    defineExtRoute(app, route);
  }
}
