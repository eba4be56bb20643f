import { ErrorResponses } from '../errors.js';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { listApiKeys } from '../../../domain/api-keys/service.js';
import type { DomainContext } from '../../../domain/context.js';
import { principalOf } from '../auth.js';
import { ApiKeySchema, presentApiKey, routeSchemaBase } from './presenter.js';

export function registerListApiKeys(app: FastifyInstance, ctx: DomainContext): void {
  app.get(
    '/api-keys',
    {
      schema: {
        ...routeSchemaBase,
        summary: "The organization's ext-v1 API keys, oldest first, revoked ones included (never the keys)",
        response: { 200: Type.Object({ data: Type.Array(ApiKeySchema) }), ...ErrorResponses },
      },
    },
    async (request) => {
      const { organizationId } = principalOf(request);
      const keys = await listApiKeys(ctx, organizationId);
      return { data: keys.map(presentApiKey) };
    },
  );
}
