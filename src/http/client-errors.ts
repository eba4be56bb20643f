// Failures the client caused by going away (closing the connection mid-body): nothing on the server went wrong,
// so they are logged below error level, where operators' alerts do not look.
import type { FastifyRequest } from 'fastify';

const CLIENT_GONE_CODES = new Set(['ECONNRESET', 'ECONNABORTED', 'EPIPE', 'ERR_STREAM_PREMATURE_CLOSE']);

/**
 * The request's stream was cut off by the client and the error is the stream's. Both must hold: a database
 * connection reset (ECONNRESET too) while the client is still there is the server's failure.
 */
export function isClientAbort(error: unknown, request: FastifyRequest): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return request.raw.readableAborted && typeof code === 'string' && CLIENT_GONE_CODES.has(code);
}

/** The log line of an error no surface recognized: `info` when the client went away, else `error`. */
export function logUnhandledError(request: FastifyRequest, error: unknown): void {
  if (isClientAbort(error, request)) request.log.info({ err: error }, 'client closed the connection before the request was read');
  else request.log.error({ err: error }, 'unhandled error');
}
