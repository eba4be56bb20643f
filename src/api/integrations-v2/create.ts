import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { Config } from '../../config.js';
import type { DomainContext } from '../../domain/context.js';
import { isPlausibleEmail, normalizeEmail } from '../../domain/customers/email.js';
import { isDomainError } from '../../domain/errors.js';
import { createOrganizationWithSecret } from '../../domain/orgs/lifecycle.js';
import { adminAuth } from './auth.js';
import { envelopeSchema, FailureSchema, IntegrationError, success } from './envelope.js';
import { objectBody, requiredString } from './fields.js';
import { OrganizationSchema, presentOrganization } from './presenter.js';

export const MAX_CUSTOMER_NAME_LENGTH = 255;

export function registerCreateOrganization(app: FastifyInstance, ctx: DomainContext, config: Config): void {
  app.post(
    '/customer',
    {
      onRequest: adminAuth(config),
      schema: {
        tags: ['integrations-v2'],
        summary: 'Create an organization (platform admin token, or open sign-up)',
        description:
          'Authorization: the platform admin token (raw or Bearer), unless the server runs with TELEMAP_OPEN_SIGNUP=true. ' +
          'The CustomerSecret is shown in full only in this response.',
        security: [{ integrationToken: [] }, {}],
        body: Type.Object({
          CustomerName: Type.String({ minLength: 1, maxLength: MAX_CUSTOMER_NAME_LENGTH }),
          Email: Type.String({ format: 'email' }),
        }),
        response: {
          200: envelopeSchema(OrganizationSchema, 'The new organization, with its secret in full'),
          '4xx': FailureSchema,
          '5xx': FailureSchema,
        },
      },
    },
    async (request) => {
      const body = objectBody(request.body);
      const name = requiredString(body, 'CustomerName', MAX_CUSTOMER_NAME_LENGTH);
      const rawEmail = requiredString(body, 'Email');
      const email = normalizeEmail(rawEmail);
      if (!isPlausibleEmail(email)) throw new IntegrationError(400, 'Email must be a valid email address');
      try {
        const { organization, secret } = await createOrganizationWithSecret(ctx, { name, email });
        return success(request, presentOrganization(organization, secret));
      } catch (error) {
        if (isDomainError(error, 'organization_email_taken')) {
          throw new IntegrationError(409, 'An organization with this Email already exists');
        }
        throw error;
      }
    },
  );
}
