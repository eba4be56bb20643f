// Reading webhook endpoints and their deliveries (agents may too).
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { DomainContext } from '../../../domain/context.js';
import { getWebhook, listDeliveries, listWebhooks } from '../../../domain/webhooks/service.js';
import { principalOf } from '../auth.js';
import { ErrorResponses } from '../errors.js';
import { PageOf, PaginationQuery, readLimit } from '../pagination.js';
import { DeliverySchema, routeSchemaBase, WebhookIdParams, WebhookSchema, webhookProblem } from './presenter.js';

const ListQuery = Type.Object(PaginationQuery, { additionalProperties: false });

export function registerReadWebhooks(app: FastifyInstance, ctx: DomainContext): void {
  app.get(
    '/webhooks',
    {
      schema: {
        ...routeSchemaBase,
        summary: "The organization's webhook endpoints, newest first",
        querystring: ListQuery,
        response: { 200: PageOf(WebhookSchema), ...ErrorResponses },
      },
    },
    async (request) => {
      const { organizationId } = principalOf(request);
      const query = request.query as Static<typeof ListQuery>;
      return listWebhooks(ctx, organizationId, { limit: readLimit(query), cursor: query.cursor }).catch(webhookProblem);
    },
  );

  app.get(
    '/webhooks/:id',
    {
      schema: {
        ...routeSchemaBase,
        summary: 'One webhook endpoint',
        params: WebhookIdParams,
        response: { 200: WebhookSchema, ...ErrorResponses },
      },
    },
    async (request) => {
      const { organizationId } = principalOf(request);
      return getWebhook(ctx, organizationId, (request.params as { id: string }).id).catch(webhookProblem);
    },
  );

  app.get(
    '/webhooks/:id/deliveries',
    {
      schema: {
        ...routeSchemaBase,
        summary: "An endpoint's deliveries, newest first",
        params: WebhookIdParams,
        querystring: ListQuery,
        response: { 200: PageOf(DeliverySchema), ...ErrorResponses },
      },
    },
    async (request) => {
      const { organizationId } = principalOf(request);
      const query = request.query as Static<typeof ListQuery>;
      return listDeliveries(ctx, organizationId, (request.params as { id: string }).id, { limit: readLimit(query), cursor: query.cursor }).catch(
        webhookProblem,
      );
    },
  );
}
