import type { FastifyInstance } from 'fastify';
import type { DomainContext } from '../../../domain/context.js';
import { registerManageWebhooks } from './manage.js';
import { registerReadWebhooks } from './read.js';

/** Webhook endpoints of the calling organization (contract: support loop §6.2). */
export function registerWebhookRoutes(app: FastifyInstance, ctx: DomainContext): void {
  registerReadWebhooks(app, ctx);
  registerManageWebhooks(app, ctx);
}
