// The dashboard: server-rendered HTML pages served by the Telemap process at `/`. Plain forms with POST and a
// redirect, so that every page works with the keyboard and without JavaScript; one stylesheet and one tiny script
// served from memory. Wire-format concerns of /api/v1 live in src/api/v1; the rules in src/domain.
import type { FastifyInstance } from 'fastify';
import type { Config } from '../config.js';
import type { DomainContext } from '../domain/context.js';
import { csrfTokenMatches, resolveSession } from '../domain/sessions/service.js';
import { SignInLimiter } from '../domain/sessions/rate-limit.js';
import { ASSET_VERSION, CLIENT_SCRIPT, STYLESHEET } from './assets.js';
import { readCookie } from './cookies.js';
import { html } from './html.js';
import { sendPage } from './layout.js';
import { registerCustomerPages } from './pages/customers.js';
import { registerDevicePages } from './pages/devices.js';
import { registerIntegrationsPage } from './pages/integrations.js';
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

// Same-origin only: no inline script or style, no framing, forms post only here.
const CONTENT_SECURITY_POLICY =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; " +
  "base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

export async function webPlugin(app: FastifyInstance, { ctx, config }: { ctx: DomainContext; config: Config }): Promise<void> {
  const deps: WebDeps = { ctx, config, limiter: new SignInLimiter(ctx.clock) };

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
    reply.header('content-security-policy', CONTENT_SECURITY_POLICY);
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'same-origin');
    reply.header('x-frame-options', 'DENY');
    if (request.url.startsWith('/assets/')) return;
    reply.header('cache-control', 'no-store');
    const token = readCookie(request, SESSION_COOKIE);
    const user = await resolveSession(ctx, token);
    request.webUser = user;
    request.webSessionToken = user && token ? token : null;
  });

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
}
