import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { DomainContext } from '../../domain/context.js';
import { revokeIntegrationToken } from '../../domain/integration-tokens/service.js';
import { organizationOf, tokenAuth } from './auth.js';
import { envelopeSchema, FailureSchema, IntegrationError, MESSAGES, success } from './envelope.js';

export const TOKEN_REVOKED = 'Revoked Successfully';

export function registerRevokeToken(app: FastifyInstance, ctx: DomainContext): void {
  app.delete(
    '/token',
    {
      onRequest: tokenAuth(ctx),
      schema: {
        tags: ['integrations-v2'],
        summary: 'Revoke the token this request presents',
        description: 'Only the presented token: the organization\'s other tokens keep working. From this request on it gets 401.',
        security: [{ integrationToken: [] }],
        response: {
          200: envelopeSchema(Type.Literal(TOKEN_REVOKED), 'Revoked'),
          '4xx': FailureSchema,
          '5xx': FailureSchema,
        },
      },
    },
    async (request) => {
      const organizationId = organizationOf(request);
      const tokenId = request.integrationTokenId;
      // Revoked by a concurrent request since authentication: this token is no longer valid.
      if (!tokenId || !(await revokeIntegrationToken(ctx, { organizationId, tokenId }))) {
        throw new IntegrationError(401, MESSAGES.unauthorized);
      }
      return success(request, TOKEN_REVOKED as typeof TOKEN_REVOKED);
    },
  );
}
