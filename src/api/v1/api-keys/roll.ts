import { ErrorResponses } from '../errors.js';
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { rollApiKey } from '../../../domain/api-keys/service.js';
import type { DomainContext } from '../../../domain/context.js';
import { isUuid } from '../../../domain/ids.js';
import { principalOf } from '../auth.js';
import { V1Error } from '../errors.js';
import { ApiKeySchema, KeyIdParams, NewApiKeySchema, presentApiKey, presentNewApiKey, routeSchemaBase } from './presenter.js';
import { keyNotFound } from './problems.js';

/** 30 days: a roll is a replacement, not a second long-lived key. */
export const MAX_GRACE_SECONDS = 30 * 24 * 60 * 60;

const Body = Type.Object(
  {
    graceSeconds: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: MAX_GRACE_SECONDS,
        description: 'How long the old key keeps working; 0 (the default) stops it at once',
      }),
    ),
  },
  { additionalProperties: false },
);

const Response = Type.Composite([
  NewApiKeySchema,
  Type.Object({ previousKey: ApiKeySchema }, { description: 'previousKey: the rolled key; its revokedAt is when it stops' }),
]);

export function registerRollApiKey(app: FastifyInstance, ctx: DomainContext): void {
  app.post(
    '/api-keys/:id/roll',
    {
      schema: {
        ...routeSchemaBase,
        summary: 'Replace an ext-v1 API key: a new key, and the old one revoked after graceSeconds',
        params: KeyIdParams,
        body: Body,
        response: { 201: Response, ...ErrorResponses },
      },
    },
    async (request, reply) => {
      const { organizationId } = principalOf(request);
      const { id } = request.params as { id: string };
      if (!isUuid(id)) throw new V1Error('not_found', 'API key not found');
      const { graceSeconds = 0 } = (request.body ?? {}) as Static<typeof Body>;
      const rolled = await rollApiKey(ctx, organizationId, id.toLowerCase(), graceSeconds).catch(keyNotFound);
      return reply.code(201).send({ ...presentNewApiKey(rolled.created), previousKey: presentApiKey(rolled.previous) });
    },
  );
}
