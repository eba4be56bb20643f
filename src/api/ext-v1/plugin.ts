// The Telemetron-compatible surface. Everything wire-specific lives in this folder: parsing, exact error
// strings, status codes. Rules live in src/domain.
import type { FastifyError, FastifyInstance } from 'fastify';
import type { DomainContext } from '../../domain/context.js';
import { apiKeyAuth } from './auth.js';
import { registerAssignmentRoutes } from './assignments/routes.js';
import { registerCustomerRoutes } from './customers/routes.js';
import { registerDeviceRoutes } from './devices/routes.js';
import { EXT_MESSAGES, ExtError } from './errors.js';

export interface ExtV1Options {
  ctx: DomainContext;
}

export const EXT_V1_PREFIX = '/api/ext-v1';
export const EXT_BULK_BODY_LIMIT = 10 * 1024 * 1024;

export async function extV1Plugin(app: FastifyInstance, { ctx }: ExtV1Options): Promise<void> {
  app.decorateRequest('extPrincipal', null);
  app.decorateRequest('extRawBody', null);

  // Integrations send JSON with or without a content type, so every body is read as JSON; anything that does not
  // parse gets the contract's message rather than Fastify's 415.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string' }, (request, body, done) => {
    const text = body as string;
    if (text.trim() === '') return done(null, undefined);
    try {
      const parsed: unknown = JSON.parse(text);
      // Kept for the few routes whose answer follows the order of an object's keys, which JSON.parse loses.
      request.extRawBody = text;
      done(null, parsed);
    } catch {
      done(new ExtError(400, EXT_MESSAGES.invalidJson), undefined);
    }
  });
  // Route schemas here document the contract; body.ts enforces it with the contract's own messages.
  app.setValidatorCompiler(() => () => true);

  app.addHook('onRequest', apiKeyAuth(ctx));

  app.setNotFoundHandler(async () => {
    throw new ExtError(404, EXT_MESSAGES.notFound);
  });

  app.setErrorHandler(async (error: FastifyError | ExtError, request, reply) => {
    if (error instanceof ExtError) {
      return reply.code(error.status).send({ error: error.message, ...error.extra, requestId: request.id });
    }
    const known = fastifyErrorMessage(error);
    if (known) return reply.code(known.status).send({ error: known.message, requestId: request.id });
    request.log.error({ err: error }, 'unhandled error');
    return reply.code(500).send({ error: EXT_MESSAGES.internal, requestId: request.id });
  });

  registerCustomerRoutes(app, ctx);
  registerDeviceRoutes(app, ctx);
  registerAssignmentRoutes(app, ctx);
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
