// "Forgot your password?" and the page a link opens to choose one (invite or reset). The forgotten-password
// e-mail needs SMTP (TELEMAP_SMTP_URL) and the public address (TELEMAP_PUBLIC_URL): the link is built from the
// configured address, never from the request's Host header, which whoever asks for a reset controls.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isDomainError } from '../../domain/errors.js';
import { FailureLimiter } from '../../domain/sessions/rate-limit.js';
import { requestPasswordReset } from '../../domain/users/admin.js';
import { sendPasswordLink } from '../../domain/users/mail.js';
import { MIN_PASSWORD_LENGTH } from '../../domain/users/password.js';
import { findValidToken, SET_PASSWORD_PATH, setPasswordWithToken } from '../../domain/users/tokens.js';
import { html } from '../html.js';
import { noticeFrom, sendPage, type PageOptions } from '../layout.js';
import type { WebDeps } from '../plugin.js';
import { formOf, queryOf } from '../session.js';

/** Reset requests per client address: each one may send an e-mail. */
const FORGOT_LIMIT = { max: 5, windowMs: 15 * 60 * 1000 };

function csrfField(request: FastifyRequest) {
  // Signed in or not, the page works: a signed-in person's forms must carry their session's token.
  return request.webUser ? html`<input type="hidden" name="_csrf" value="${request.webUser.csrfToken}">` : '';
}

export function forgotPasswordAvailable(deps: WebDeps): boolean {
  return deps.config.mail !== null && deps.config.publicUrl !== null;
}

function setPasswordForm(reply: FastifyReply, request: FastifyRequest, token: string, purpose: string, notice?: PageOptions['notice'], status?: number) {
  return sendPage(reply, {
    title: 'Choose a password',
    user: null,
    status,
    notice,
    body: html`<div class="signin">
  <h1>${purpose === 'invite' ? 'Welcome: choose your password' : 'Choose a new password'}</h1>
  <form method="post" action="${SET_PASSWORD_PATH}">
    ${csrfField(request)}
    <input type="hidden" name="token" value="${token}">
    <div class="field"><label for="password">New password (at least ${MIN_PASSWORD_LENGTH} characters)</label><input type="password" id="password" name="password" autocomplete="new-password" required minlength="${MIN_PASSWORD_LENGTH}"></div>
    <div class="field"><label for="confirm">The same again</label><input type="password" id="confirm" name="confirm" autocomplete="new-password" required></div>
    <button type="submit">Set password</button>
  </form>
</div>`,
  });
}

function invalidLink(reply: FastifyReply) {
  return sendPage(reply, {
    title: 'Link expired',
    user: null,
    status: 410,
    body: html`<div class="signin"><h1>This link no longer works</h1><p>It was used already, or it expired. Ask an admin for a new invitation, or <a href="/password/forgot">ask for a new reset link</a>.</p></div>`,
  });
}

export function registerPasswordPages(app: FastifyInstance, deps: WebDeps): void {
  const { ctx, config, limiter } = deps;
  const forgotLimiter = new FailureLimiter(FORGOT_LIMIT, ctx.clock);

  const forgotForm = (reply: FastifyReply, request: FastifyRequest, notice?: PageOptions['notice'], status?: number) =>
    sendPage(reply, {
      title: 'Forgot your password?',
      user: null,
      status,
      notice: notice ?? noticeFrom(request.query),
      body: forgotPasswordAvailable(deps)
        ? html`<div class="signin"><h1>Forgot your password?</h1>
  <form method="post" action="/password/forgot">
    ${csrfField(request)}
    <div class="field"><label for="email">Your e-mail</label><input type="email" id="email" name="email" autocomplete="username" required maxlength="320"></div>
    <button type="submit">Send me a link</button>
  </form>
  <p><a href="/login">Back to sign in</a></p></div>`
        : html`<div class="signin"><h1>Forgot your password?</h1><p>This Telemap does not send e-mail. Ask an admin of your organization to send you a new invitation link, or an operator to run <code>telemap user reset-password</code>.</p><p><a href="/login">Back to sign in</a></p></div>`,
    });

  app.get('/password/forgot', { schema: { hide: true } }, async (request, reply) => forgotForm(reply, request));

  app.post('/password/forgot', { schema: { hide: true } }, async (request, reply) => {
    if (!forgotPasswordAvailable(deps) || !config.mail || !config.publicUrl) return forgotForm(reply, request, null, 404);
    const retryAfterMs = forgotLimiter.retryAfterMs(request.ip);
    if (retryAfterMs > 0) {
      reply.header('retry-after', String(Math.ceil(retryAfterMs / 1000)));
      return forgotForm(reply, request, { kind: 'error', text: 'Too many requests from here. Try again in a few minutes.' }, 429);
    }
    forgotLimiter.recordFailure(request.ip);
    const email = (formOf(request).email ?? '').slice(0, 320);
    const reset = email ? await requestPasswordReset(ctx, email) : null;
    if (reset) {
      try {
        await sendPasswordLink(config.mail, reset.email, `${config.publicUrl}${SET_PASSWORD_PATH}?token=${reset.token}`, 'reset');
      } catch (error) {
        request.log.warn({ err: error }, 'password reset e-mail not sent');
      }
    }
    // The same answer whether or not the address has an account.
    return reply.redirect('/password/forgot?notice=reset-sent', 303);
  });

  app.get(SET_PASSWORD_PATH, { schema: { hide: true } }, async (request, reply) => {
    const token = queryOf(request).token ?? '';
    const found = await findValidToken(ctx, token);
    if (!found) return invalidLink(reply);
    return setPasswordForm(reply, request, token, found.purpose);
  });

  app.post(SET_PASSWORD_PATH, { schema: { hide: true } }, async (request, reply) => {
    const form = formOf(request);
    const token = form.token ?? '';
    const found = await findValidToken(ctx, token);
    if (!found) return invalidLink(reply);
    if ((form.password ?? '') !== (form.confirm ?? '')) {
      return setPasswordForm(reply, request, token, found.purpose, { kind: 'error', text: 'The two passwords differ.' }, 400);
    }
    try {
      const email = await setPasswordWithToken(ctx, token, form.password ?? '');
      // Proving the mailbox lifts the lockout from failed sign-ins.
      await limiter.unlockAccount(email);
    } catch (error) {
      if (isDomainError(error, 'invalid_input')) {
        if (error.problem.field === 'token') return invalidLink(reply);
        return setPasswordForm(reply, request, token, found.purpose, { kind: 'error', text: `The password ${error.problem.reason}.` }, 400);
      }
      throw error;
    }
    return reply.redirect('/login?notice=password-set', 303);
  });
}
