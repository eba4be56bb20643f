import type { FastifyInstance } from 'fastify';
import type { DomainContext } from '../../../domain/context.js';
import { defineExtRoute } from '../route.js';
import { createTicketRoute } from './create-ticket.js';

export function registerTicketRoutes(app: FastifyInstance, ctx: DomainContext): void {
  for (const route of [createTicketRoute(ctx)]) defineExtRoute(app, route);
}
