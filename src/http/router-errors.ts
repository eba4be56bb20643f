// Errors of Fastify's router, raised before any route (and so before any hook or error handler of a surface)
// runs: a path parameter over the length limit (414) or with a malformed percent-escape (400). Fastify hands them
// to the one `frameworkErrors` function; this sends each to the surface that owns the path, so that the answer has
// that surface's format and, where its contract puts authentication first, comes after authentication.
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { logUnhandledError } from './client-errors.js';

export type RouterErrorStatus = 400 | 414;

export type RouterErrorAnswer = (status: RouterErrorStatus, request: FastifyRequest, reply: FastifyReply) => Promise<unknown>;

export interface RouterErrorSurface {
  /** The path prefix the surface is mounted at, e.g. `/api/v1`. */
  prefix: string;
  answer: RouterErrorAnswer;
}

export const ROUTER_ERROR_MESSAGES = {
  414: 'A path segment is too long',
  400: 'The path holds a malformed percent-escape',
} as const;

function statusOf(error: FastifyError): RouterErrorStatus {
  return error.code === 'FST_ERR_MAX_PARAM_LENGTH' ? 414 : 400;
}

function owns(prefix: string, url: string): boolean {
  return url === prefix || url.startsWith(`${prefix}/`) || url.startsWith(`${prefix}?`);
}

/** The `frameworkErrors` option: `surfaces` by prefix, `fallback` for every other path. */
export function routerErrorHandler(surfaces: readonly RouterErrorSurface[], fallback: RouterErrorAnswer) {
  return (error: FastifyError, request: FastifyRequest, reply: FastifyReply): void => {
    reply.header('x-request-id', request.id);
    const url = request.raw.url ?? '/';
    const answer = surfaces.find((surface) => owns(surface.prefix, url))?.answer ?? fallback;
    answer(statusOf(error), request, reply).catch((failure: unknown) => {
      logUnhandledError(request, failure);
      if (!reply.sent) void reply.code(500).type('text/plain; charset=utf-8').send('Internal server error');
    });
  };
}
