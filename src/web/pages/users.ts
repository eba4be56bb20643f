// The Users page, for admins: who can sign in, with which role; invite by e-mail (a single-use link to choose a
// password), change a role, disable or enable, lift a sign-in lockout. Agents get the "admins only" page.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isDomainError } from '../../domain/errors.js';
import type { SessionUser } from '../../domain/sessions/service.js';
import { changeUserRole, inviteUser, setUserDisabled } from '../../domain/users/admin.js';
import { sendPasswordLink } from '../../domain/users/mail.js';
import { findUserInOrg, listUsers } from '../../domain/users/repository.js';
import { isUserRole, USER_ROLES } from '../../domain/users/service.js';
import { SET_PASSWORD_PATH } from '../../domain/users/tokens.js';
import { html, time, type Html } from '../html.js';
import { noticeFrom, sendPage } from '../layout.js';
import type { WebDeps } from '../plugin.js';
import { formOf, requireAdmin } from '../session.js';
import { idParam } from './common.js';

function origin(deps: WebDeps, request: FastifyRequest): string {
  return deps.config.publicUrl ?? `${request.protocol}://${request.host}`;
}

async function usersPage(
  reply: FastifyReply,
  deps: WebDeps,
  user: SessionUser,
  options: { notice?: { kind: 'ok' | 'error'; text: string } | null; invited?: { email: string; link: string; mailed: boolean }; status?: number } = {},
) {
  const users = await listUsers(deps.ctx.database.db, user.organizationId);
  const state = (u: (typeof users)[number]): Html =>
    u.disabledAt ? html`<span class="badge priority-urgent">disabled</span>` : u.hasPassword ? html`<span class="badge status-resolved">active</span>` : html`<span class="badge">invited</span>`;
  const csrf = html`<input type="hidden" name="_csrf" value="${user.csrfToken}">`;
  return sendPage(reply, {
    title: 'Users',
    user,
    section: 'users',
    status: options.status,
    notice: options.notice,
    body: html`<h1>Users</h1>
${
  options.invited
    ? html`<div class="secret-box" role="status"><h2>Invitation for ${options.invited.email}</h2>
<p>${options.invited.mailed ? 'It was e-mailed to them. ' : ''}Send them this link to choose a password (it works once, for 7 days; it is not shown again):</p>
<div class="secret-row"><input readonly id="invite-link" value="${options.invited.link}" aria-label="Invitation link"><button type="button" hidden data-copy-target="invite-link" data-copy-status="invite-copy">Copy</button></div><p id="invite-copy" role="status"></p></div>`
    : ''
}
<div class="table-wrap"><table class="stack">
<caption class="visually-hidden">Users of ${user.organizationName}</caption>
<thead><tr><th scope="col">E-mail</th><th scope="col">Role</th><th scope="col">State</th><th scope="col" class="hide-narrow">Since</th><th scope="col">Actions</th></tr></thead>
<tbody>${users.map((u) => {
      const self = u.id === user.userId;
      return html`<tr>
  <td>${u.email}${self ? html` <span class="muted">(you)</span>` : ''}</td>
  <td data-label="Role">${
    self
      ? u.role
      : html`<form method="post" action="/users/${u.id}/role" class="actions">${csrf}<label class="visually-hidden" for="role-${u.id}">Role of ${u.email}</label><select id="role-${u.id}" name="role">${USER_ROLES.map(
          (r) => html`<option value="${r}"${r === u.role ? html` selected` : ''}>${r}</option>`,
        )}</select><button type="submit" class="secondary">Change role</button></form>`
  }</td>
  <td data-label="State">${state(u)}</td>
  <td class="hide-narrow">${time(u.createdAt)}</td>
  <td data-label="Actions"><div class="actions">${
    self
      ? ''
      : u.disabledAt
        ? html`<form method="post" action="/users/${u.id}/enable" class="inline">${csrf}<button type="submit" class="secondary">Enable<span class="visually-hidden"> ${u.email}</span></button></form>`
        : html`<form method="post" action="/users/${u.id}/disable" class="inline" data-confirm="Disable ${u.email}? They are signed out at once and cannot sign in until enabled again.">${csrf}<button type="submit" class="danger">Disable<span class="visually-hidden"> ${u.email}</span></button></form>`
  }<form method="post" action="/users/${u.id}/unlock" class="inline">${csrf}<button type="submit" class="secondary">Lift sign-in lockout<span class="visually-hidden"> for ${u.email}</span></button></form></div></td>
</tr>`;
    })}</tbody></table></div>
<h2>Invite someone</h2>
<form method="post" action="/users/invite" class="filters">
  ${csrf}
  <div class="field"><label for="invite-email">E-mail</label><input type="email" id="invite-email" name="email" required maxlength="320"></div>
  <div class="field"><label for="invite-role">Role</label><select id="invite-role" name="role"><option value="agent" selected>agent</option><option value="admin">admin</option></select></div>
  <button type="submit">Invite</button>
</form>
<p class="muted">${deps.config.mail ? 'The invitation is e-mailed, and the link is shown here too.' : 'E-mail is not configured (TELEMAP_SMTP_URL): pass the link on yourself.'}</p>`,
  });
}

export function registerUserPages(app: FastifyInstance, deps: WebDeps): void {
  const { ctx, limiter } = deps;

  app.get('/users', { schema: { hide: true } }, async (request, reply) => {
    const user = requireAdmin(request, reply);
    if (!user) return reply;
    return usersPage(reply, deps, user, { notice: noticeFrom(request.query) });
  });

  // The link is in this response only (like a new API key); a reload re-posts and is refused as a taken e-mail.
  app.post('/users/invite', { schema: { hide: true } }, async (request, reply) => {
    const user = requireAdmin(request, reply);
    if (!user) return reply;
    const form = formOf(request);
    const role = isUserRole(form.role) ? form.role : 'agent';
    try {
      const invited = await inviteUser(ctx, user.organizationId, { email: form.email ?? '', role });
      const link = `${origin(deps, request)}${SET_PASSWORD_PATH}?token=${invited.token}`;
      let mailed = false;
      if (deps.config.mail) {
        try {
          await sendPasswordLink(deps.config.mail, invited.email, link, 'invite', user.organizationName);
          mailed = true;
        } catch (error) {
          request.log.warn({ err: error }, 'invitation e-mail not sent');
        }
      }
      return usersPage(reply, deps, user, { invited: { email: invited.email, link, mailed }, notice: { kind: 'ok', text: `${invited.email} was invited as ${role}.` } });
    } catch (error) {
      if (isDomainError(error, 'user_email_taken')) return usersPage(reply, deps, user, { status: 409, notice: { kind: 'error', text: 'Someone with that e-mail already has an account.' } });
      if (isDomainError(error, 'invalid_input')) return usersPage(reply, deps, user, { status: 400, notice: { kind: 'error', text: 'Enter a valid e-mail address.' } });
      throw error;
    }
  });

  const action = (path: string, run: (user: SessionUser, userId: string, form: Record<string, string>) => Promise<unknown>) =>
    app.post(`/users/:id/${path}`, { schema: { hide: true } }, async (request, reply) => {
      const user = requireAdmin(request, reply);
      if (!user) return reply;
      const id = idParam(request.params);
      try {
        if (!id) throw Object.assign(new Error('bad id'), { notFound: true });
        await run(user, id, formOf(request));
      } catch (error) {
        if ((error as { notFound?: boolean }).notFound || isDomainError(error, 'invalid_input')) {
          const text = isDomainError(error, 'invalid_input') ? `Not changed: ${error.problem.field} ${error.problem.reason}.` : 'No such user.';
          return usersPage(reply, deps, user, { status: 400, notice: { kind: 'error', text } });
        }
        throw error;
      }
      return reply.redirect('/users?notice=user-updated', 303);
    });

  action('role', async (user, id, form) => {
    if (!isUserRole(form.role)) throw Object.assign(new Error('bad role'), { notFound: true });
    await changeUserRole(ctx, user.organizationId, id, form.role, user.userId);
  });
  action('disable', (user, id) => setUserDisabled(ctx, user.organizationId, id, true, user.userId));
  action('enable', (user, id) => setUserDisabled(ctx, user.organizationId, id, false, user.userId));
  action('unlock', async (user, id) => {
    const target = await findUserInOrg(ctx.database.db, user.organizationId, id);
    if (!target) throw Object.assign(new Error('no user'), { notFound: true });
    await limiter.unlockAccount(target.email);
  });
}
