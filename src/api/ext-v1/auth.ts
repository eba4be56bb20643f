import type { FastifyRequest } from 'fastify';
import { authenticateApiKey, type ApiKeyPrincipal } from '../../domain/api-keys/service.js';
import type { DomainContext } from '../../domain/context.js';
import { EXT_MESSAGES, ExtError } from './errors.js';

declare module 'fastify' {
  interface FastifyRequest {
    extPrincipal: ApiKeyPrincipal | null;
  }
}

/** onRequest hook: runs before the body is read, so a bad key is a 401 whatever the body holds. */
export function apiKeyAuth(ctx: DomainContext) {
  return async (request: FastifyRequest): Promise<void> => {
    const header = request.headers['x-api-key'];
    const principal = await authenticateApiKey(ctx, typeof header === 'string' ? header : undefined);
    if (!principal) throw new ExtError(401, EXT_MESSAGES.unauthorized);
    request.extPrincipal = principal;
  };
}

/** The calling organization. Only reachable behind apiKeyAuth, which sets it or refuses the request. */
export function organizationOf(request: FastifyRequest): string {
  if (!request.extPrincipal) throw new Error('ext-v1 route reached without authentication');
  return request.extPrincipal.organizationId;
}
