import type { FastifyInstance } from 'fastify';
import type { DomainContext } from '../../domain/context.js';
import { isDomainError } from '../../domain/errors.js';
import { getLiveOrganization } from '../../domain/orgs/lifecycle.js';
import { organizationOf, tokenAuth } from './auth.js';
import { envelopeSchema, FailureSchema, IntegrationError, MESSAGES, success } from './envelope.js';
import { OrganizationSchema, presentOrganization } from './presenter.js';

export function registerGetOrganization(app: FastifyInstance, ctx: DomainContext): void {
  app.get(
    '/customer',
    {
      onRequest: tokenAuth(ctx),
      schema: {
        tags: ['integrations-v2'],
        summary: 'The calling organization, its secret masked',
        security: [{ integrationToken: [] }],
        response: {
          200: envelopeSchema(OrganizationSchema, 'The organization; CustomerSecret keeps its first and last four characters'),
          '4xx': FailureSchema,
          '5xx': FailureSchema,
        },
      },
    },
    async (request) => {
      try {
        return success(request, presentOrganization(await getLiveOrganization(ctx, organizationOf(request)), null));
      } catch (error) {
        // Deleted between authentication and this read: the token is no longer valid.
        if (isDomainError(error, 'organization_not_found')) throw new IntegrationError(401, MESSAGES.unauthorized);
        throw error;
      }
    },
  );
}
