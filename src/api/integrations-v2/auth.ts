// Who may call what on /v2/integrations. Both checks are onRequest hooks: they run before the body is read, so
// bad credentials are a 401 whatever the body holds.
import type { FastifyRequest } from 'fastify';
import type { Config } from '../../config.js';
import type { DomainContext } from '../../domain/context.js';
import { authenticateIntegrationToken } from '../../domain/integration-tokens/service.js';
import { digestsEqual, hashSecret } from '../../domain/secrets.js';
import { IntegrationError, MESSAGES } from './envelope.js';

declare module 'fastify' {
  interface FastifyRequest {
    integrationOrganizationId: string | null;
    /** The id of the token that authenticated the request. */
    integrationTokenId: string | null;
  }
}

/** `Authorization: <credential>` (as Exotel's clients send it) or `Authorization: Bearer <credential>`. */
export function credentialFrom(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (typeof header !== 'string') return undefined;
  const value = header.trim();
  const bearer = /^Bearer[ \t]+(\S+)$/i.exec(value);
  if (bearer) return bearer[1];
  return value === '' ? undefined : value;
}

/**
 * Creating an organization: open to anyone with TELEMAP_OPEN_SIGNUP=true, else only to the platform operator's
 * TELEMAP_ADMIN_TOKEN. Compared as SHA-256 digests in constant time, so neither the length nor any prefix of
 * the token leaks through timing.
 */
export function adminAuth(config: Config) {
  const adminDigest = config.adminToken === null ? null : hashSecret(config.adminToken);
  return async (request: FastifyRequest): Promise<void> => {
    if (config.openSignup) return;
    if (adminDigest === null) throw new IntegrationError(401, MESSAGES.provisioningDisabled);
    const presented = credentialFrom(request);
    if (presented === undefined || !digestsEqual(hashSecret(presented), adminDigest)) {
      throw new IntegrationError(401, MESSAGES.adminUnauthorized);
    }
  };
}

/** Token-protected calls: a live, unexpired integration token of the organization. */
export function tokenAuth(ctx: DomainContext) {
  return async (request: FastifyRequest): Promise<void> => {
    const principal = await authenticateIntegrationToken(ctx, credentialFrom(request));
    if (!principal) throw new IntegrationError(401, MESSAGES.unauthorized);
    request.integrationOrganizationId = principal.organizationId;
    request.integrationTokenId = principal.tokenId;
  };
}

/** The calling organization. Only reachable behind tokenAuth, which sets it or refuses the request. */
export function organizationOf(request: FastifyRequest): string {
  if (!request.integrationOrganizationId) throw new Error('/v2/integrations route reached without a token');
  return request.integrationOrganizationId;
}
