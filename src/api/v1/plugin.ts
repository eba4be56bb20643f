// Telemap's own API. Its error format is decided in errors.ts; this scope maps every failure to it: our V1Error,
// schema validation (bad_request), unparsable JSON (bad_request), body size (payload_too_large), unknown paths.
// Routes declare TypeBox schemas for params, body and responses; the response schema is what gets serialized.
import type { FastifyError, FastifyInstance } from 'fastify';
import type { Config } from '../../config.js';
import { logUnhandledError } from '../../http/client-errors.js';
import { ROUTER_ERROR_MESSAGES, type RouterErrorAnswer } from '../../http/router-errors.js';
import type { DomainContext } from '../../domain/context.js';
import { isDomainError } from '../../domain/errors.js';
import { registerAlertRoutes } from './alerts/routes.js';
import { registerApiKeyRoutes } from './api-keys/routes.js';
import { registerCustomerRoutes } from './customers/routes.js';
import { registerDeviceRoutes } from './devices/routes.js';
import { registerRuleRoutes } from './rules/routes.js';
import { registerTelemetryRoutes } from './telemetry/routes.js';
import { registerTicketRoutes } from './tickets/routes.js';
import { registerUserRoutes } from './users/routes.js';
import { registerWebhookRoutes } from './webhooks/routes.js';
import { integrationTokenAuthenticator, UNAUTHORIZED_MESSAGE, v1Auth, type V1Authenticator } from './auth.js';
import { sendV1Error, V1Error } from './errors.js';
import { v1ValidatorCompiler } from './validation.js';

export const V1_PREFIX = '/api/v1';

export interface V1Options {
  ctx: DomainContext;
  /** Tried in order; the integration token authenticator when not given. */
  authenticators?: readonly V1Authenticator[];
  /** The server's configuration, for what depends on it (a rule's notifyOwners needs mail). */
  config?: Config;
}

function authenticatorsOf(options: V1Options): readonly V1Authenticator[] {
  return options.authenticators ?? [integrationTokenAuthenticator(options.ctx)];
}

/** Router errors on /api/v1 paths (http/router-errors.ts), after authentication, as on every path of the surface. */
export function v1RouterErrors(options: V1Options): RouterErrorAnswer {
  const authenticate = v1Auth(authenticatorsOf(options));
  return async (status, request, reply) => {
    try {
      await authenticate(request);
    } catch (error) {
      if (error instanceof V1Error) return sendV1Error(request, reply, error.code, error.message);
      throw error;
    }
    return sendV1Error(request, reply, status === 414 ? 'uri_too_long' : 'bad_request', ROUTER_ERROR_MESSAGES[status]);
  };
}

export async function v1Plugin(app: FastifyInstance, options: V1Options): Promise<void> {
  const { ctx } = options;
  app.decorateRequest('v1Principal', null);
  app.setValidatorCompiler(v1ValidatorCompiler);
  app.addHook('onRequest', v1Auth(authenticatorsOf(options)));

  app.setNotFoundHandler(async () => {
    throw new V1Error('not_found', 'Not found');
  });

  app.setErrorHandler(async (error: FastifyError | V1Error, request, reply) => {
    if (error instanceof V1Error) return sendV1Error(request, reply, error.code, error.message);
    // The caller's organization was deleted between authentication and the handler: its credentials are void.
    if (isDomainError(error, 'organization_not_found')) return sendV1Error(request, reply, 'unauthorized', UNAUTHORIZED_MESSAGE);
    if (error.validation) return sendV1Error(request, reply, 'bad_request', error.message);
    switch (error.code) {
      case 'FST_ERR_CTP_BODY_TOO_LARGE':
        return sendV1Error(request, reply, 'payload_too_large', 'Payload too large');
      case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
        return sendV1Error(request, reply, 'unsupported_media_type', 'Send JSON with Content-Type: application/json');
      case 'FST_ERR_CTP_INVALID_JSON_BODY':
      case 'FST_ERR_CTP_EMPTY_JSON_BODY':
        return sendV1Error(request, reply, 'bad_request', 'The body is not valid JSON');
    }
    const status = error.statusCode ?? 500;
    if (status >= 400 && status < 500) return sendV1Error(request, reply, 'bad_request', error.message);
    logUnhandledError(request, error);
    return sendV1Error(request, reply, 'internal_error', 'Internal server error');
  });

  registerApiKeyRoutes(app, ctx);
  registerCustomerRoutes(app, ctx);
  registerDeviceRoutes(app, ctx);
  registerTicketRoutes(app, ctx);
  registerUserRoutes(app, ctx);
  registerRuleRoutes(app, ctx, { mailConfigured: Boolean(options.config?.mail) });
  registerAlertRoutes(app, ctx);
  await registerTelemetryRoutes(app, ctx);
  registerWebhookRoutes(app, ctx);
}
