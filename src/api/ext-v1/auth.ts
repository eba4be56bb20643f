import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import { authenticateApiKey, type ApiKeyPrincipal } from '../../domain/api-keys/service.js';
import type { DomainContext } from '../../domain/context.js';
import { EXT_MESSAGES, ExtError } from './errors.js';

declare module 'fastify' {
  interface FastifyRequest {
    extPrincipal: ApiKeyPrincipal | null;
  }
}

/**
 * onRequest hook: runs before the body is read, so a bad key is a 401 whatever the body holds. A callback hook
 * rather than an async one: nearly every key is answered from memory, and settling those at once spares each
 * request a promise and a turn of the microtask queue.
 */
export function apiKeyAuth(ctx: DomainContext) {
  return (request: FastifyRequest, _reply: FastifyReply, done: HookHandlerDoneFunction): void => {
    const header = request.headers['x-api-key'];
    const settle = (principal: ApiKeyPrincipal | null): void => {
      if (!principal) return done(new ExtError(401, EXT_MESSAGES.unauthorized));
      request.extPrincipal = principal;
      done();
    };
    const principal = authenticateApiKey(ctx, typeof header === 'string' ? header : undefined);
    if (principal instanceof Promise) principal.then(settle, done);
    else settle(principal);
  };
}

/** The calling organization. Only reachable behind apiKeyAuth, which sets it or refuses the request. */
export function organizationOf(request: FastifyRequest): string {
  if (!request.extPrincipal) throw new Error('ext-v1 route reached without authentication');
  return request.extPrincipal.organizationId;
}
