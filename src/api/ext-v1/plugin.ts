// The Telemetron-compatible surface. Everything wire-specific lives in this folder: parsing, exact error
// strings, status codes. Rules live in src/domain.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { DomainContext } from '../../domain/context.js';
import { logUnhandledError } from '../../http/client-errors.js';
import { RateLimiter, type RateLimitWindow } from '../../http/rate-limit.js';
import { ROUTER_ERROR_MESSAGES, type RouterErrorAnswer } from '../../http/router-errors.js';
import { readEveryBodyAsJson } from '../../http/json-body.js';
import { apiKeyAuth } from './auth.js';
import { registerAssignmentRoutes } from './assignments/routes.js';
import { registerCustomerRoutes } from './customers/routes.js';
import { registerDeviceRoutes } from './devices/routes.js';
import { EXT_MESSAGES, ExtError } from './errors.js';
import { registerTicketRoutes } from './tickets/routes.js';

export interface ExtV1Options {
  ctx: DomainContext;
  /** Per-API-key windows (TELEMAP_RATE_LIMIT); absent or null: no limit. */
  rateLimit?: readonly RateLimitWindow[] | null;
}

export const EXT_V1_PREFIX = '/api/ext-v1';
export { EXT_BULK_BODY_LIMIT } from './limits.js';

export async function extV1Plugin(app: FastifyInstance, { ctx, rateLimit }: ExtV1Options): Promise<void> {
  app.decorateRequest('extPrincipal', null);

  // bulk-metadata reads its bodies itself, in a scope of its own (devices/bulk-metadata.ts).
  readEveryBodyAsJson(app, () => new ExtError(400, EXT_MESSAGES.invalidJson));
  // Route schemas here document the contract; body.ts enforces it with the contract's own messages.
  app.setValidatorCompiler(() => () => true);

  app.addHook('onRequest', apiKeyAuth(ctx));
  if (rateLimit) app.addHook('onRequest', rateLimitByKey(new RateLimiter(rateLimit, () => ctx.clock.now().getTime())));

  app.setNotFoundHandler(async () => {
    throw new ExtError(404, EXT_MESSAGES.notFound);
  });

  app.setErrorHandler(async (error: FastifyError | ExtError, request, reply) => {
    if (error instanceof ExtError) return sendExtError(request, reply, error);
    const known = fastifyErrorMessage(error);
    if (known) return reply.code(known.status).send({ error: known.message, requestId: request.id });
    logUnhandledError(request, error);
    return reply.code(500).send({ error: EXT_MESSAGES.internal, requestId: request.id });
  });

  registerCustomerRoutes(app, ctx);
  registerDeviceRoutes(app, ctx);
  registerAssignmentRoutes(app, ctx);
  registerTicketRoutes(app, ctx);
}

function sendExtError(request: FastifyRequest, reply: FastifyReply, error: ExtError) {
  return reply.code(error.status).send({ error: error.message, ...error.extra, requestId: request.id });
}

/**
 * Router errors on ext-v1 paths (http/router-errors.ts), after the API key is checked: the contract checks the key
 * before anything else, so a caller without one learns nothing, not even that its path was malformed.
 */
export function extV1RouterErrors(ctx: DomainContext): RouterErrorAnswer {
  const authenticate = apiKeyAuth(ctx);
  return async (status, request, reply) => {
    try {
      await authenticate(request);
    } catch (error) {
      if (error instanceof ExtError) return sendExtError(request, reply, error);
      throw error;
    }
    return sendExtError(request, reply, new ExtError(status, ROUTER_ERROR_MESSAGES[status]));
  };
}

/**
 * Runs after authentication, so only valid keys are counted (and memory is bounded by real keys). Every answer to a
 * limited key carries RateLimit-* headers; past a limit: 429 with Retry-After, before the body is read.
 */
function rateLimitByKey(limiter: RateLimiter) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const keyId = request.extPrincipal?.keyId;
    if (!keyId) return;
    const decision = limiter.hit(keyId);
    reply.header('ratelimit-limit', decision.limit);
    reply.header('ratelimit-remaining', decision.remaining);
    reply.header('ratelimit-reset', decision.resetSeconds);
    if (!decision.allowed) {
      reply.header('retry-after', decision.retryAfterSeconds);
      throw new ExtError(429, EXT_MESSAGES.tooManyRequests);
    }
  };
}

function fastifyErrorMessage(error: FastifyError): { status: 400 | 413; message: string } | undefined {
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return { status: 413, message: EXT_MESSAGES.payloadTooLarge };
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return { status: 400, message: EXT_MESSAGES.invalidJson };
    default:
      return undefined;
  }
}
