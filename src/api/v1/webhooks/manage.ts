// Creating, changing, deleting and testing webhook endpoints.
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { DomainContext } from '../../../domain/context.js';
import { createWebhook, deleteWebhook, queueTestEvent, updateWebhook } from '../../../domain/webhooks/service.js';
import { ErrorResponses } from '../errors.js';
import {
  DescriptionSchema,
  EventsSchema,
  NewWebhookSchema,
  requireWebhookManager,
  routeSchemaBase,
  UrlSchema,
  WebhookIdParams,
  WebhookSchema,
  webhookProblem,
} from './presenter.js';

const CreateBody = Type.Object(
  {
    url: UrlSchema,
    events: Type.Optional(Type.Union([EventsSchema, Type.Null()], { description: 'Absent or null: every event' })),
    format: Type.Optional(Type.Union([Type.Literal('standard'), Type.Literal('slack')], { default: 'standard' })),
    description: Type.Optional(Type.Union([DescriptionSchema, Type.Null()])),
  },
  { additionalProperties: false },
);

const UpdateBody = Type.Object(
  {
    url: Type.Optional(UrlSchema),
    events: Type.Optional(Type.Union([EventsSchema, Type.Null()], { description: 'null: every event' })),
    enabled: Type.Optional(Type.Boolean()),
    description: Type.Optional(Type.Union([DescriptionSchema, Type.Null()])),
  },
  { additionalProperties: false },
);

const pathId = (params: unknown) => (params as { id: string }).id;

export function registerManageWebhooks(app: FastifyInstance, ctx: DomainContext): void {
  app.post(
    '/webhooks',
    {
      schema: {
        ...routeSchemaBase,
        summary: 'Create a webhook endpoint (its signing secret is shown in this response only)',
        body: CreateBody,
        response: { 201: NewWebhookSchema, ...ErrorResponses },
      },
    },
    async (request, reply) => {
      const organizationId = requireWebhookManager(request);
      const body = request.body as Static<typeof CreateBody>;
      const created = await createWebhook(ctx, organizationId, body).catch(webhookProblem);
      return reply.code(201).send(created);
    },
  );

  app.patch(
    '/webhooks/:id',
    {
      schema: {
        ...routeSchemaBase,
        summary: 'Change a webhook endpoint (url, events, enabled, description)',
        params: WebhookIdParams,
        body: UpdateBody,
        response: { 200: WebhookSchema, ...ErrorResponses },
      },
    },
    async (request) => {
      const organizationId = requireWebhookManager(request);
      return updateWebhook(ctx, organizationId, pathId(request.params), request.body as Static<typeof UpdateBody>).catch(webhookProblem);
    },
  );

  app.delete(
    '/webhooks/:id',
    {
      schema: {
        ...routeSchemaBase,
        summary: 'Delete a webhook endpoint and its deliveries; answers it as it was',
        params: WebhookIdParams,
        response: { 200: WebhookSchema, ...ErrorResponses },
      },
    },
    async (request) => {
      const organizationId = requireWebhookManager(request);
      return deleteWebhook(ctx, organizationId, pathId(request.params)).catch(webhookProblem);
    },
  );

  app.post(
    '/webhooks/:id/test',
    {
      schema: {
        ...routeSchemaBase,
        summary: 'Queue a webhook.test event for this endpoint',
        params: WebhookIdParams,
        response: { 202: Type.Object({ eventId: Type.String() }), ...ErrorResponses },
      },
    },
    async (request, reply) => {
      const organizationId = requireWebhookManager(request);
      const eventId = await queueTestEvent(ctx, organizationId, pathId(request.params)).catch(webhookProblem);
      return reply.code(202).send({ eventId });
    },
  );
}
