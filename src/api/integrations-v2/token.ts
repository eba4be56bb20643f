import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { DomainContext } from '../../domain/context.js';
import { exchangeSecretForToken, MAX_LIVE_INTEGRATION_TOKENS } from '../../domain/integration-tokens/service.js';
import { envelopeSchema, FailureSchema, IntegrationError, MESSAGES, success } from './envelope.js';
import { objectBody, requiredString } from './fields.js';

export function registerToken(app: FastifyInstance, ctx: DomainContext): void {
  app.post(
    '/token',
    {
      schema: {
        tags: ['integrations-v2'],
        summary: 'Exchange an organization id and secret for a token (valid 90 days)',
        description:
          `An organization holds at most ${MAX_LIVE_INTEGRATION_TOKENS} live tokens: minting one more revokes the oldest. ` +
          'Wrong id, wrong secret and a deleted organization all get the same 401.',
        body: Type.Object({
          Id: Type.String({ format: 'uuid', description: 'The CustomerID' }),
          Secret: Type.String({ description: 'The CustomerSecret' }),
          Entity: Type.Literal('customer'),
        }),
        response: {
          200: envelopeSchema(Type.String({ description: 'The token, an opaque string' }), 'A new token'),
          '4xx': FailureSchema,
          '5xx': FailureSchema,
        },
      },
    },
    async (request) => {
      const body = objectBody(request.body);
      const id = requiredString(body, 'Id');
      const secret = requiredString(body, 'Secret');
      const entity = requiredString(body, 'Entity');
      if (entity !== 'customer') throw new IntegrationError(400, 'Unsupported entity');
      const minted = await exchangeSecretForToken(ctx, id, secret);
      if (!minted) throw new IntegrationError(401, MESSAGES.unauthorized);
      return success(request, minted.token);
    },
  );
}
