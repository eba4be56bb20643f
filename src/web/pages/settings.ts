// The organization's help desk settings, for admins: the support address (Reply-To of replies e-mailed to
// customers). The same as `telemap org update --support-email`.
import type { FastifyInstance } from 'fastify';
import { isDomainError } from '../../domain/errors.js';
import { getSupportEmail, setSupportEmail } from '../../domain/tickets/settings.js';
import { html } from '../html.js';
import { noticeFrom, sendPage } from '../layout.js';
import type { WebDeps } from '../plugin.js';
import { formOf, requireAdmin } from '../session.js';

export function registerSettingsPage(app: FastifyInstance, { ctx }: WebDeps): void {
  const page = (supportEmail: string | null, csrf: string) => html`<h1>Settings</h1>
<form method="post" action="/settings">
  <input type="hidden" name="_csrf" value="${csrf}">
  <div class="field"><label for="supportEmail">Support address (customers' answers to your replies go here; leave empty for none)</label><input type="email" id="supportEmail" name="supportEmail" maxlength="320" value="${supportEmail ?? ''}"></div>
  <button type="submit">Save</button>
</form>`;

  app.get('/settings', { schema: { hide: true } }, async (request, reply) => {
    const user = requireAdmin(request, reply);
    if (!user) return reply;
    const supportEmail = await getSupportEmail(ctx, user.organizationId);
    return sendPage(reply, { title: 'Settings', user, section: 'settings', notice: noticeFrom(request.query), body: page(supportEmail, user.csrfToken) });
  });

  app.post('/settings', { schema: { hide: true } }, async (request, reply) => {
    const user = requireAdmin(request, reply);
    if (!user) return reply;
    const value = formOf(request).supportEmail ?? '';
    try {
      await setSupportEmail(ctx, user.organizationId, value);
    } catch (error) {
      if (isDomainError(error, 'invalid_input')) {
        return sendPage(reply, { title: 'Settings', user, section: 'settings', status: 400, notice: { kind: 'error', text: 'Enter a valid e-mail address, or leave it empty.' }, body: page(value, user.csrfToken) });
      }
      throw error;
    }
    return reply.redirect('/settings?notice=settings-saved', 303);
  });
}
