// The Exotel-style integrations API: tenant provisioning. This folder owns its wire format: the envelope on every
// response (failures included: auth, bad JSON, body size, unknown paths), the RequestId header, the status codes.
// Rules live in src/domain (orgs, integration-tokens).
import type { FastifyError, FastifyInstance, HTTPMethods } from 'fastify';
import type { Config } from '../../config.js';
import type { DomainContext } from '../../domain/context.js';
import { logUnhandledError } from '../../http/client-errors.js';
import { readEveryBodyAsJson } from '../../http/json-body.js';
import { ROUTER_ERROR_MESSAGES, type RouterErrorAnswer } from '../../http/router-errors.js';
import { registerCreateOrganization } from './create.js';
import { registerDeleteOrganization } from './delete.js';
import { IntegrationError, MESSAGES, sendFailure } from './envelope.js';
import { registerGetOrganization } from './get.js';
import { registerRevokeToken } from './revoke-token.js';
import { registerToken } from './token.js';

export const INTEGRATIONS_V2_PREFIX = '/v2/integrations';

export interface IntegrationsV2Options {
  ctx: DomainContext;
  config: Config;
}

export async function integrationsV2Plugin(app: FastifyInstance, { ctx, config }: IntegrationsV2Options): Promise<void> {
  app.decorateRequest('integrationOrganizationId', null);
  app.decorateRequest('integrationTokenId', null);

  // The envelope's RequestId, also as a header (the contract's), next to the x-request-id every response carries.
  app.addHook('onRequest', async (request, reply) => {
    reply.header('RequestId', request.id);
  });

  // Anything that does not parse is the envelope's 400.
  readEveryBodyAsJson(app, () => new IntegrationError(400, MESSAGES.invalidJson));
  // Schemas document the contract; fields.ts enforces it with messages that name the field.
  app.setValidatorCompiler(() => () => true);

  app.setNotFoundHandler(async () => {
    throw new IntegrationError(404, MESSAGES.notFound);
  });

  app.setErrorHandler(async (error: FastifyError | IntegrationError, request, reply) => {
    if (error instanceof IntegrationError) return sendFailure(request, reply, error.status, error.message);
    if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return sendFailure(request, reply, 413, MESSAGES.payloadTooLarge);
    if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500) {
      return sendFailure(request, reply, 400, MESSAGES.invalidJson);
    }
    logUnhandledError(request, error);
    return sendFailure(request, reply, 500, MESSAGES.internal);
  });

  registerCreateOrganization(app, ctx, config);
  registerToken(app, ctx);
  registerRevokeToken(app, ctx);
  registerGetOrganization(app, ctx);
  registerDeleteOrganization(app, ctx);
  methodNotAllowed(app, '/customer', ['PUT', 'PATCH']);
  methodNotAllowed(app, '/token', ['GET', 'PUT', 'PATCH']);
}

/**
 * Router errors on /v2/integrations paths (http/router-errors.ts), in the envelope. No route of the surface has a
 * path parameter, so none is authenticated: the path is refused before a credential could matter.
 */
export const integrationsV2RouterErrors: RouterErrorAnswer = async (status, request, reply) => {
  reply.header('RequestId', request.id);
  return sendFailure(request, reply, status, ROUTER_ERROR_MESSAGES[status]);
};

/** A known path with a wrong method is a 405, not a 404 that would suggest the URL is wrong. */
function methodNotAllowed(app: FastifyInstance, url: string, methods: HTTPMethods[]): void {
  app.route({
    method: methods,
    url,
    schema: { hide: true },
    handler: async () => {
      throw new IntegrationError(405, MESSAGES.methodNotAllowed);
    },
  });
}
