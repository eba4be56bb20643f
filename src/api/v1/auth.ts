// Who is calling /api/v1. An onRequest hook tries a list of authenticators in order; the first that recognizes
// the request sets `request.v1Principal`. Today there is one (an integration token as a Bearer credential);
// another way in (e.g. a dashboard session cookie) is one more authenticator in the list, nothing else changes.
import type { FastifyRequest } from 'fastify';
import type { DomainContext } from '../../domain/context.js';
import { authenticateIntegrationToken } from '../../domain/integration-tokens/service.js';
import { V1Error } from './errors.js';

/** How the principal got in; grows with each authenticator (e.g. `'session'`). */
export type V1PrincipalVia = 'token';

export interface V1Principal {
  organizationId: string;
  via: V1PrincipalVia;
}

/** Returns the principal when the request carries credentials it recognizes and accepts, else null. */
export type V1Authenticator = (request: FastifyRequest) => Promise<V1Principal | null>;

declare module 'fastify' {
  interface FastifyRequest {
    v1Principal: V1Principal | null;
  }
  interface FastifyContextConfig {
    /** A /api/v1 route that answers without credentials (e.g. a future login endpoint). */
    v1Public?: boolean;
  }
}

export const UNAUTHORIZED_MESSAGE = 'Missing, invalid or expired credentials: send Authorization: Bearer <integration token>';

/** `Authorization: Bearer <token>` → the token; anything else → undefined. */
export function bearerToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (typeof header !== 'string') return undefined;
  const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header);
  return match?.[1];
}

/** An integration token (from POST /v2/integrations/token) of a live organization, as a Bearer credential. */
export function integrationTokenAuthenticator(ctx: DomainContext): V1Authenticator {
  return async (request) => {
    const principal = await authenticateIntegrationToken(ctx, bearerToken(request));
    return principal ? { organizationId: principal.organizationId, via: 'token' } : null;
  };
}

/**
 * onRequest hook: runs before the body is read, so bad credentials are a 401 whatever the body holds, on every
 * path of the surface (unknown ones too, so that a caller without credentials cannot probe which routes exist).
 */
export function v1Auth(authenticators: readonly V1Authenticator[]) {
  return async (request: FastifyRequest): Promise<void> => {
    if (request.routeOptions.config?.v1Public) return;
    for (const authenticate of authenticators) {
      const principal = await authenticate(request);
      if (principal) {
        request.v1Principal = principal;
        return;
      }
    }
    throw new V1Error('unauthorized', UNAUTHORIZED_MESSAGE);
  };
}

/** The calling principal. Only reachable behind v1Auth, which sets it or refuses the request. */
export function principalOf(request: FastifyRequest): V1Principal {
  if (!request.v1Principal) throw new Error('/api/v1 route reached without authentication');
  return request.v1Principal;
}
