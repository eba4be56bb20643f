// Who is calling /api/v1. An onRequest hook tries a list of authenticators in order; the first that recognizes
// the request sets `request.v1Principal`. Today there is one (an integration token as a Bearer credential);
// another way in (e.g. a dashboard session cookie) is one more authenticator in the list, nothing else changes.
import type { FastifyRequest } from 'fastify';
import { looksLikeApiKey } from '../../domain/api-keys/format.js';
import { authenticateApiKey } from '../../domain/api-keys/service.js';
import type { DomainContext } from '../../domain/context.js';
import { authenticateIntegrationToken } from '../../domain/integration-tokens/service.js';
import { csrfTokenMatches, resolveSession } from '../../domain/sessions/service.js';
import type { UserRole } from '../../domain/users/service.js';
import { readCookie } from '../../web/cookies.js';
import { SESSION_COOKIE } from '../../web/session.js';
import { V1Error } from './errors.js';

/** How the principal got in: an integration token, an organization API key, or a dashboard session. */
export type V1PrincipalVia = 'token' | 'api_key' | 'session';

export interface V1Principal {
  organizationId: string;
  via: V1PrincipalVia;
  /**
   * For a dashboard session: the signed-in user's role. An integration token or an API key acts for the whole
   * organization.
   */
  role?: UserRole;
  /** For an API key: its id. */
  apiKeyId?: string;
  /** For a dashboard session: the signed-in user (who is recorded as the author of what they do). */
  userId?: string;
  email?: string;
}

/** Returns the principal when the request carries credentials it recognizes and accepts, else null. */
export type V1Authenticator = (request: FastifyRequest) => Promise<V1Principal | null>;

declare module 'fastify' {
  interface FastifyRequest {
    v1Principal: V1Principal | null;
  }
  interface FastifyContextConfig {
    /**
     * A /api/v1 route outside the organization authenticators: it answers without credentials, or checks its own in
     * an onRequest hook of the route (POST /api/v1/telemetry takes a device token and nothing else), which runs
     * after v1Auth and, like it, before the body is read.
     */
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
 * The organization's API key (`tlm_…`, the ext-v1 key) as `x-api-key` or `Authorization: Bearer`. It acts for the
 * whole organization, except that it cannot manage API keys: a leaked key must not be able to mint its successors.
 */
export function apiKeyAuthenticator(ctx: DomainContext): V1Authenticator {
  return async (request) => {
    const header = request.headers['x-api-key'];
    const presented = typeof header === 'string' ? header : bearerToken(request);
    if (!presented || !looksLikeApiKey(presented)) return null;
    const principal = await authenticateApiKey(ctx, presented);
    if (!principal) return null;
    if (isApiKeyManagement(request)) throw new V1Error('forbidden', 'An API key cannot manage API keys: sign in to the dashboard');
    return { organizationId: principal.organizationId, via: 'api_key', apiKeyId: principal.keyId };
  };
}

function isApiKeyManagement(request: FastifyRequest): boolean {
  return (request.routeOptions.url ?? request.url).startsWith('/api/v1/api-keys');
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
export const CSRF_HEADER = 'x-csrf-token';

/**
 * A signed-in dashboard user's session cookie, so that the dashboard's own scripts and a person's browser can use
 * /api/v1. A cookie is sent by the browser on its own, so a state-changing request must also carry the session's
 * CSRF token in `x-csrf-token` (the value of the pages' hidden `_csrf` field); without it the request is refused
 * (403), not passed on to the next authenticator. Managing API keys needs the admin role, as on the pages.
 */
export function sessionAuthenticator(ctx: DomainContext): V1Authenticator {
  return async (request) => {
    const token = readCookie(request, SESSION_COOKIE);
    if (!token) return null;
    const user = await resolveSession(ctx, token);
    if (!user) return null;
    if (!SAFE_METHODS.has(request.method) && !csrfTokenMatches(user.csrfToken, request.headers[CSRF_HEADER])) {
      throw new V1Error('forbidden', `A request authenticated by the session cookie must send the CSRF token in ${CSRF_HEADER}`);
    }
    if (user.role !== 'admin' && isApiKeyManagement(request)) {
      throw new V1Error('forbidden', 'Managing API keys needs the admin role');
    }
    return { organizationId: user.organizationId, via: 'session', role: user.role, userId: user.userId, email: user.email };
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
