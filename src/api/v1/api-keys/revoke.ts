import { ErrorResponses } from '../errors.js';
import type { FastifyInstance } from 'fastify';
import { getApiKey, revokeApiKey } from '../../../domain/api-keys/service.js';
import type { DomainContext } from '../../../domain/context.js';
import { isUuid } from '../../../domain/ids.js';
import { principalOf } from '../auth.js';
import { V1Error } from '../errors.js';
import { ApiKeySchema, KeyIdParams, presentApiKey, routeSchemaBase } from './presenter.js';
import { keyNotFound } from './problems.js';

export function registerRevokeApiKey(app: FastifyInstance, ctx: DomainContext): void {
  app.delete(
    '/api-keys/:id',
    {
      schema: {
        ...routeSchemaBase,
        summary: 'Revoke an ext-v1 API key at once (idempotent); answers the key as it is now',
        params: KeyIdParams,
        response: { 200: ApiKeySchema, ...ErrorResponses },
      },
    },
    async (request) => {
      const { organizationId } = principalOf(request);
      const { id } = request.params as { id: string };
      if (!isUuid(id)) throw new V1Error('not_found', 'API key not found');
      const keyId = id.toLowerCase();
      await revokeApiKey(ctx, keyId, organizationId).catch(keyNotFound);
      return presentApiKey(await getApiKey(ctx, organizationId, keyId));
    },
  );
}
