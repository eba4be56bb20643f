// The dashboard: server-rendered HTML pages served by the Telemap process at `/`. Plain forms with POST and a
// redirect, so that every page works with the keyboard and without JavaScript; one stylesheet and one tiny script
// served from memory. Wire-format concerns of /api/v1 live in src/api/v1; the rules in src/domain.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../config.js';
import type { DomainContext } from '../domain/context.js';
import { csrfTokenMatches, resolveSession } from '../domain/sessions/service.js';
import { SignInLimiter } from '../domain/sessions/rate-limit.js';
import { ASSET_VERSION, CLIENT_SCRIPT, STYLESHEET } from './assets.js';
import { readCookie } from './cookies.js';
import { html } from './html.js';
import { sendPage } from './layout.js';
import { registerAlertPages } from './pages/alerts.js';
import { logUnhandledError } from '../http/client-errors.js';
import type { RouterErrorAnswer } from '../http/router-errors.js';
import { setPageSecurityHeaders } from '../http/security-headers.js';
import { registerCustomerPages } from './pages/customers.js';
import { registerDevicePages } from './pages/devices.js';
import { registerIntegrationsPage } from './pages/integrations.js';
import { registerRulePages } from './pages/rules.js';
import { registerSignInPages } from './pages/sign-in.js';
import { registerTicketPages } from './pages/tickets.js';
import { registerPasswordPages } from './pages/password.js';
import { registerSettingsPage } from './pages/settings.js';
import { registerUserPages } from './pages/users.js';
import { registerWebhookPages } from './pages/webhooks.js';
import { SESSION_COOKIE } from './session.js';

export interface WebDeps {
  ctx: DomainContext;
  config: Config;
  limiter: SignInLimiter;
}

const FORM_BODY_LIMIT = 64 * 1024;

export async function webPlugin(app: FastifyInstance, { ctx, config }: { ctx: DomainContext; config: Config }): Promise<void> {
  const deps: WebDeps = { ctx, config, limiter: new SignInLimiter(ctx.database, ctx.clock) };

  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string', bodyLimit: FORM_BODY_LIMIT },
    (_request, body, done) => {
      const fields: Record<string, string> = Object.create(null) as Record<string, string>;
      for (const [key, value] of new URLSearchParams(body as string)) fields[key] = value;
      done(null, fields);
    },
  );

  app.decorateRequest('webUser', null);
  app.decorateRequest('webSessionToken', null);

  app.addHook('onRequest', async (request, reply) => {
    setPageSecurityHeaders(reply);
    if (request.url.startsWith('/assets/')) return;
    reply.header('cache-control', 'no-store');
    const token = readCookie(request, SESSION_COOKIE);
    const user = await resolveSession(ctx, token);
    request.webUser = user;
    request.webSessionToken = user && token ? token : null;
  });

  // No text a form or a query sends may hold NUL: PostgreSQL cannot store or compare one, and no field needs it.
  app.addHook('preValidation', async (request, reply) => {
    if (!holdsNul(request.query) && !holdsNul(request.body)) return;
    return sendPage(reply, {
      title: 'Invalid request',
      user: request.webUser,
      status: 400,
      body: html`<h1>Invalid request</h1><p>The request held a character that cannot be used here. Go back and try again.</p>`,
    });
  });

  app.setErrorHandler(async (error: FastifyError, request, reply) => dashboardErrorPage(error, request, reply));

  // CSRF: every state-changing request of a signed-in user must carry the session's token. Sign-in has its own
  // double-submit check (pages/sign-in.ts); requests without a session are sent to sign in by the pages.
  app.addHook('preHandler', async (request, reply) => {
    if (request.method === 'GET' || request.method === 'HEAD' || !request.webUser) return;
    const presented = (request.body as Record<string, unknown> | undefined)?._csrf;
    if (csrfTokenMatches(request.webUser.csrfToken, presented)) return;
    return sendPage(reply, {
      title: 'Form expired',
      user: request.webUser,
      status: 403,
      body: html`<h1>This form has expired</h1><p>For your security the request was not carried out. Go back, reload the page and try again.</p>`,
    });
  });

  app.get('/assets/app.css', { schema: { hide: true } }, async (_request, reply) =>
    reply.type('text/css; charset=utf-8').header('cache-control', 'public, max-age=86400').header('etag', `"${ASSET_VERSION}"`).send(STYLESHEET),
  );
  app.get('/assets/app.js', { schema: { hide: true } }, async (_request, reply) =>
    reply
      .type('text/javascript; charset=utf-8')
      .header('cache-control', 'public, max-age=86400')
      .header('etag', `"${ASSET_VERSION}"`)
      .send(CLIENT_SCRIPT),
  );

  app.get('/', { schema: { hide: true } }, async (request, reply) => reply.redirect(request.webUser ? '/tickets' : '/login', 303));

  registerSignInPages(app, deps);
  registerIntegrationsPage(app, deps);
  registerTicketPages(app, deps);
  registerCustomerPages(app, deps);
  registerDevicePages(app, deps);
  registerUserPages(app, deps);
  registerSettingsPage(app, deps);
  registerPasswordPages(app, deps);
  registerWebhookPages(app, deps);
  registerAlertPages(app, deps);
  registerRulePages(app, deps);
}

function holdsNul(value: unknown): boolean {
  if (typeof value === 'string') return value.includes('\0');
  if (typeof value !== 'object' || value === null) return false;
  return Object.entries(value).some(([key, child]) => key.includes('\0') || holdsNul(child));
}

const ERROR_PAGES: Record<number, { title: string; text: string }> = {
  400: { title: 'Invalid request', text: 'The request could not be understood. Go back and try again.' },
  413: { title: 'Too large', text: 'What you sent is larger than this page accepts.' },
  414: { title: 'Address too long', text: 'The address is longer than this server accepts.' },
  415: { title: 'Unsupported form', text: 'This page accepts only its own forms.' },
  500: { title: 'Something went wrong', text: 'The request failed on the server. Try again in a moment; if it keeps failing, tell your operator.' },
};

function errorPage(reply: FastifyReply, request: FastifyRequest, status: number) {
  const page = ERROR_PAGES[status] ?? ERROR_PAGES[status >= 500 ? 500 : 400]!;
  return sendPage(reply, {
    title: page.title,
    user: request.webUser ?? null,
    status,
    body: html`<h1>${page.title}</h1><p>${page.text} <a href="/">Back to Telemap</a></p>`,
  });
}

/** Every failure of a dashboard route is a page: never Fastify's JSON, never a database's error text. */
function dashboardErrorPage(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  const status = error.statusCode ?? 500;
  if (status >= 400 && status < 500) return errorPage(reply, request, status === 413 || status === 415 ? status : 400);
  logUnhandledError(request, error);
  return errorPage(reply, request, 500);
}

/** Router errors on every path no API owns (http/router-errors.ts): a page with the dashboard's headers. */
export const dashboardRouterErrors: RouterErrorAnswer = async (status, request, reply) => {
  setPageSecurityHeaders(reply);
  reply.header('cache-control', 'no-store');
  return errorPage(reply, request, status);
};
