// Assembles the HTTP application from its surfaces. No listening here: tests call it in process with inject().
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { systemClock, type Clock } from './clock.js';
import type { Config } from './config.js';
import type { Database } from './db/connect.js';
import type { DomainContext } from './domain/context.js';
import { EXT_V1_PREFIX, extV1Plugin, extV1RouterErrors } from './api/ext-v1/plugin.js';
import { registerHealthRoutes } from './api/health.js';
import { mcpPlugin } from './api/mcp/http.js';
import { INTEGRATIONS_V2_PREFIX, integrationsV2Plugin, integrationsV2RouterErrors } from './api/integrations-v2/plugin.js';
import { registerApiReference, registerOpenApi } from './api/openapi.js';
import { sendV1Error } from './api/v1/errors.js';
import { apiKeyAuthenticator, integrationTokenAuthenticator, sessionAuthenticator } from './api/v1/auth.js';
import { V1_PREFIX, v1Plugin, v1RouterErrors, type V1Options } from './api/v1/plugin.js';
import type { OutboxWorkerOptions } from './domain/outbox/worker.js';
import { scheduleBackgroundWork } from './background.js';
import { AccessLog } from './http/access-log.js';
import { registerMqttIngest } from './ingest/plugin.js';
import { logUnhandledError } from './http/client-errors.js';
import { routerErrorHandler } from './http/router-errors.js';
import { API_REFERENCE_STYLE_HASHES, setPageSecurityHeaders } from './http/security-headers.js';
import { requestIdFor } from './http/request-id.js';
import { dashboardRouterErrors, webPlugin } from './web/plugin.js';

export interface AppOptions {
  config: Config;
  database: Database;
  clock?: Clock;
  /** How long the optional model may take to rewrite a diagnosis (default 20 s); tests shorten it. */
  llmTimeoutMs?: number;
  /** Fastify logger settings; tests pass a stream to read what would be logged. */
  logger?: FastifyServerOptions['logger'];
  /** The delivery worker's timings and name resolution (tests shorten the retry schedule and the timeout). */
  outbox?: Partial<OutboxWorkerOptions>;
}

export const DEFAULT_BODY_LIMIT = 1024 * 1024;
const API_REFERENCE_PATH = /^\/(?:docs(?:[/?]|$)|openapi\.json(?:\?|$))/;

export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const { config, database } = options;
  const ctx: DomainContext = { database, clock: options.clock ?? systemClock };
  const v1Options: V1Options = {
    ctx,
    config,
    // An organization API key (recognized by its prefix), a Bearer integration token, else a session cookie.
    authenticators: [apiKeyAuthenticator(ctx), integrationTokenAuthenticator(ctx), sessionAuthenticator(ctx)],
  };
  const limits = config.http;

  const app = Fastify({
    logger: options.logger ?? { level: config.logLevel },
    genReqId: requestIdFor,
    logController: new AccessLog(),
    bodyLimit: DEFAULT_BODY_LIMIT,
    forceCloseConnections: 'idle',
    // A client that sends slowly holds a connection only this long (docs/security.md); Node checks every second.
    requestTimeout: limits.requestTimeoutMs,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    http: {
      requestTimeout: limits.requestTimeoutMs,
      headersTimeout: limits.headersTimeoutMs,
      connectionsCheckingInterval: 1000,
    },
    frameworkErrors: routerErrorHandler(
      [
        { prefix: EXT_V1_PREFIX, answer: extV1RouterErrors(ctx) },
        { prefix: V1_PREFIX, answer: v1RouterErrors(v1Options) },
        { prefix: INTEGRATIONS_V2_PREFIX, answer: integrationsV2RouterErrors },
      ],
      dashboardRouterErrors,
    ),
  });
  app.server.maxConnections = limits.maxConnections;

  // Set before any route or plugin is registered: a plugin keeps the error handler its parent had when it was
  // registered, and every route must fall back to this one, not to Fastify's default.
  app.setNotFoundHandler(async (request, reply) => sendV1Error(request, reply, 'not_found', 'Not found'));
  app.setErrorHandler(async (error: { statusCode?: number; message: string }, request, reply) => {
    const status = error.statusCode ?? 500;
    if (status === 413) return sendV1Error(request, reply, 'payload_too_large', 'Payload too large');
    if (status === 415) return sendV1Error(request, reply, 'unsupported_media_type', error.message);
    if (status >= 400 && status < 500) return sendV1Error(request, reply, 'bad_request', error.message);
    logUnhandledError(request, error);
    return sendV1Error(request, reply, 'internal_error', 'Internal server error');
  });

  // A callback hook: it sets one header and waits for nothing.
  app.addHook('onRequest', (request, reply, done) => {
    reply.header('x-request-id', request.id);
    done();
  });

  await registerOpenApi(app);
  registerHealthRoutes(app, database);
  await app.register(extV1Plugin, { prefix: EXT_V1_PREFIX, ctx, rateLimit: config.rateLimit });
  await app.register(v1Plugin, { prefix: V1_PREFIX, ...v1Options });
  await app.register(integrationsV2Plugin, { prefix: INTEGRATIONS_V2_PREFIX, ctx, config });
  await app.register(mcpPlugin, { ctx });
  // The API reference is a page like the dashboard's: it gets the same headers (no framing, same-origin only).
  app.addHook('onRequest', async (request, reply) => {
    if (API_REFERENCE_PATH.test(request.url)) setPageSecurityHeaders(reply, API_REFERENCE_STYLE_HASHES);
  });
  await registerApiReference(app);
  await app.register(webPlugin, { ctx, config });

  registerMqttIngest(app, ctx, config);
  scheduleBackgroundWork(app, ctx, config, { outbox: options.outbox, llmTimeoutMs: options.llmTimeoutMs });
  return app;
}
