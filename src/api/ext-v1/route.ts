import type { FastifyInstance, FastifyReply, FastifyRequest, FastifySchema, HTTPMethods } from 'fastify';
import { concurrencyLimit } from '../../http/concurrency-limit.js';
import { EXT_MESSAGES, ExtError, ExtErrorSchema } from './errors.js';

const ALL_METHODS: HTTPMethods[] = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];

export interface ExtRoute {
  method: 'GET' | 'POST';
  url: string;
  schema: FastifySchema;
  /** Larger than the default for bulk endpoints. */
  bodyLimit?: number;
  /**
   * At most this many requests to the endpoint are read and handled at once, after authentication; the others wait
   * their turn unread (http/concurrency-limit.ts). Unlimited when absent.
   */
  concurrency?: number;
  handler(request: FastifyRequest, reply: FastifyReply): Promise<unknown>;
}

/**
 * Registers an ext-v1 endpoint and, on the same path, the contract's 405 for every other method (Fastify alone
 * would answer 404, which tells a client its URL is wrong when only its method is).
 */
export function defineExtRoute(app: FastifyInstance, route: ExtRoute): void {
  const limit = route.concurrency === undefined ? undefined : concurrencyLimit(route.concurrency);
  app.route({
    method: route.method,
    url: route.url,
    bodyLimit: route.bodyLimit,
    onRequest: limit?.onRequest,
    schema: {
      tags: ['ext-v1'],
      security: [{ apiKey: [] }],
      ...route.schema,
      response: { '4xx': ExtErrorSchema, '5xx': ExtErrorSchema, ...(route.schema.response as object) },
    },
    handler: limit ? limit.handler(route.handler) : route.handler,
  });
  app.route({
    method: ALL_METHODS.filter((m) => m !== route.method && !(route.method === 'GET' && m === 'HEAD')),
    url: route.url,
    schema: { hide: true },
    handler: async () => {
      throw new ExtError(405, EXT_MESSAGES.methodNotAllowed);
    },
  });
}
