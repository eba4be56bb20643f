// The headers every HTML page of the server carries (the dashboard, the API reference at /docs) and the OpenAPI
// document: same-origin only, no inline script or style, no framing, forms post only here.
import type { FastifyReply } from 'fastify';

export function contentSecurityPolicy(styleHashes: readonly string[] = []): string {
  const styles = ["'self'", ...styleHashes.map((hash) => `'${hash}'`)].join(' ');
  return (
    `default-src 'self'; script-src 'self'; style-src ${styles}; img-src 'self' data:; object-src 'none'; ` +
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
  );
}

export const CONTENT_SECURITY_POLICY = contentSecurityPolicy();

/**
 * The one inline style Swagger UI applies (its bundled version's), allowed by its digest alone rather than by
 * 'unsafe-inline'. test/browser/api-reference.test.ts fails, naming the new digest, when an upgrade changes it.
 */
export const API_REFERENCE_STYLE_HASHES = ['sha256-RL3ie0nH+Lzz2YNqQN83mnU0J1ot4QL7b99vMdIX99w='] as const;

export function setPageSecurityHeaders(reply: FastifyReply, styleHashes: readonly string[] = []): void {
  reply.header('content-security-policy', styleHashes.length === 0 ? CONTENT_SECURITY_POLICY : contentSecurityPolicy(styleHashes));
  reply.header('x-content-type-options', 'nosniff');
  reply.header('referrer-policy', 'same-origin');
  reply.header('x-frame-options', 'DENY');
}
