import { randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { csrfTokenMatches, signIn, signOut } from '../../domain/sessions/service.js';
import { normalizeEmail } from '../../domain/customers/email.js';
import { clearCookie, readCookie, setCookie } from '../cookies.js';
import { html } from '../html.js';
import { noticeFrom, sendPage, type PageOptions } from '../layout.js';
import type { WebDeps } from '../plugin.js';
import { clearSessionCookie, formOf, LOGIN_CSRF_COOKIE, queryOf, requireUser, safeNext, setSessionCookie } from '../session.js';

function signInForm(
  reply: FastifyReply,
  deps: WebDeps,
  options: { next: string; email?: string; notice?: PageOptions['notice']; status?: number },
) {
  // Login CSRF: a random token in a SameSite=Strict cookie and in the form; the POST must carry both, equal.
  const token = randomBytes(24).toString('base64url');
  setCookie(reply, LOGIN_CSRF_COOKIE, token, { secure: deps.config.secureCookies, sameSite: 'Strict', maxAgeSeconds: 3600, path: '/login' });
  return sendPage(reply, {
    title: 'Sign in',
    user: null,
    status: options.status,
    notice: options.notice,
    body: html`<div class="signin">
  <h1>Sign in to Telemap</h1>
  <form method="post" action="/login">
    <input type="hidden" name="_csrf" value="${token}">
    <input type="hidden" name="next" value="${options.next}">
    <div class="field">
      <label for="email">Email</label>
      <input type="email" id="email" name="email" autocomplete="username" required autofocus value="${options.email ?? ''}">
    </div>
    <div class="field">
      <label for="password">Password</label>
      <input type="password" id="password" name="password" autocomplete="current-password" required>
    </div>
    <button type="submit">Sign in</button>
  </form>
  <p><a href="/password/forgot">Forgot your password?</a></p>
  <p class="muted">No account yet? An operator creates the first admin with <code>npx telemap org create --admin-email you@example.com</code>, and further users with <code>npx telemap user create</code>.</p>
</div>`,
  });
}

export function registerSignInPages(app: FastifyInstance, deps: WebDeps): void {
  const { ctx, config, limiter } = deps;

  app.get('/login', { schema: { hide: true } }, async (request, reply) => {
    const query = queryOf(request);
    if (request.webUser) return reply.redirect(safeNext(query.next), 303);
    return signInForm(reply, deps, { next: safeNext(query.next), notice: noticeFrom(request.query) });
  });

  app.post('/login', { schema: { hide: true } }, async (request, reply) => {
    const form = formOf(request);
    const next = safeNext(form.next);
    const email = normalizeEmail(typeof form.email === 'string' ? form.email : '').slice(0, 320);
    const password = typeof form.password === 'string' ? form.password : '';
    const expected = readCookie(request, LOGIN_CSRF_COOKIE);
    if (!expected || !csrfTokenMatches(expected, form._csrf)) {
      return signInForm(reply, deps, {
        next,
        email,
        status: 403,
        notice: { kind: 'error', text: 'The sign-in form expired. Please sign in again.' },
      });
    }
    const retryAfterMs = await limiter.retryAfterMs(email, request.ip);
    if (retryAfterMs > 0) {
      const minutes = Math.max(1, Math.ceil(retryAfterMs / 60_000));
      reply.header('retry-after', String(Math.ceil(retryAfterMs / 1000)));
      return signInForm(reply, deps, {
        next,
        email,
        status: 429,
        notice: { kind: 'error', text: `Too many failed sign-in attempts. Try again in ${minutes} minute${minutes === 1 ? '' : 's'}.` },
      });
    }
    const token = email && password && password.length <= 1024 ? await signIn(ctx, email, password) : null;
    if (!token) {
      await limiter.recordFailure(email, request.ip);
      return signInForm(reply, deps, {
        next,
        email,
        status: 401,
        notice: { kind: 'error', text: 'Email or password is incorrect.' },
      });
    }
    await limiter.recordSuccess(email);
    clearCookie(reply, LOGIN_CSRF_COOKIE, { secure: config.secureCookies, sameSite: 'Strict', path: '/login' });
    setSessionCookie(reply, config, token);
    return reply.redirect(next, 303);
  });

  app.post('/logout', { schema: { hide: true } }, async (request, reply) => {
    if (!requireUser(request, reply)) return reply;
    if (request.webSessionToken) await signOut(ctx, request.webSessionToken);
    clearSessionCookie(reply, config);
    return reply.redirect('/login?notice=signed-out', 303);
  });
}
