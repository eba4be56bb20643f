import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { DomainContext } from '../../domain/context.js';
import { isDomainError } from '../../domain/errors.js';
import { deleteOrganization } from '../../domain/orgs/lifecycle.js';
import { organizationOf, tokenAuth } from './auth.js';
import { envelopeSchema, FailureSchema, IntegrationError, MESSAGES, success } from './envelope.js';

export function registerDeleteOrganization(app: FastifyInstance, ctx: DomainContext): void {
  app.delete(
    '/customer',
    {
      onRequest: tokenAuth(ctx),
      schema: {
        tags: ['integrations-v2'],
        summary: 'Delete the calling organization',
        description:
          'Soft and immediate: from this request on, every token and API key of the organization gets 401. The data ' +
          'is kept for TELEMAP_ORG_RETENTION_DAYS (restorable with `telemap org restore`), then purged.',
        security: [{ integrationToken: [] }],
        response: {
          200: envelopeSchema(Type.Literal('Deleted Successfully'), 'Deleted'),
          '4xx': FailureSchema,
          '5xx': FailureSchema,
        },
      },
    },
    async (request) => {
      try {
        await deleteOrganization(ctx, organizationOf(request));
      } catch (error) {
        // Deleted by a concurrent request since authentication: this token is no longer valid.
        if (isDomainError(error, 'organization_not_found')) throw new IntegrationError(401, MESSAGES.unauthorized);
        throw error;
      }
      return success(request, 'Deleted Successfully' as const);
    },
  );
}
