import type { FastifyInstance } from 'fastify';

/**
 * Reads every request body of this scope as JSON, whatever its Content-Type: the integrations these surfaces
 * serve send `text/plain`, or no type at all, as often as `application/json`. An empty body is `undefined` (the
 * route decides what that means); text that does not parse fails with the surface's own error.
 */
export function readEveryBodyAsJson(app: FastifyInstance, invalidJson: () => Error): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string' }, (_request, body, done) => {
    const text = body as string;
    if (text.trim() === '') return done(null, undefined);
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      return done(invalidJson(), undefined);
    }
    done(null, parsed);
  });
}
