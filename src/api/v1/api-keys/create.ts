import { ErrorResponses } from '../errors.js';
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { createApiKey } from '../../../domain/api-keys/service.js';
import type { DomainContext } from '../../../domain/context.js';
import { principalOf } from '../auth.js';
import { NewApiKeySchema, presentNewApiKey, routeSchemaBase } from './presenter.js';

const Body = Type.Object(
  { name: Type.Optional(Type.String({ minLength: 1, maxLength: 255, description: 'A label; "default" when absent' })) },
  { additionalProperties: false },
);

export function registerCreateApiKey(app: FastifyInstance, ctx: DomainContext): void {
  app.post(
    '/api-keys',
    {
      schema: {
        ...routeSchemaBase,
        summary: 'Create an ext-v1 API key (the key is shown in this response only)',
        body: Body,
        response: { 201: NewApiKeySchema, ...ErrorResponses },
      },
    },
    async (request, reply) => {
      const { organizationId } = principalOf(request);
      const body = (request.body ?? {}) as Static<typeof Body>;
      const created = await createApiKey(ctx, organizationId, body.name?.trim() || 'default');
      return reply.code(201).send(presentNewApiKey(created));
    },
  );
}
