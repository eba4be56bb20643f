// The Alerts page: open and cleared alerts, filtered by status, severity and rule; acknowledge and clear.
import type { FastifyInstance } from 'fastify';
import { acknowledgeAlert, clearAlert } from '../../domain/alerts/lifecycle.js';
import { listAlerts } from '../../domain/alerts/queries.js';
import { isDomainError } from '../../domain/errors.js';
import { SEVERITIES } from '../../domain/rules/model.js';
import { listRules } from '../../domain/rules/repository.js';
import { html, time } from '../html.js';
import { noticeFrom, pager, sendPage } from '../layout.js';
import type { WebDeps } from '../plugin.js';
import { notFoundPage, queryOf, requireUser } from '../session.js';
import { idParam, options, PAGE_SIZE, withCursorFallback } from './common.js';

const STATUSES = ['open', 'cleared'] as const;

export function registerAlertPages(app: FastifyInstance, { ctx }: WebDeps): void {
  const { db } = ctx.database;

  app.get('/alerts', { schema: { hide: true } }, async (request, reply) => {
    const user = requireUser(request, reply);
    if (!user) return reply;
    const query = queryOf(request);
    const status = (STATUSES as readonly string[]).includes(query.status ?? '') ? (query.status as 'open' | 'cleared') : undefined;
    const severity = (SEVERITIES as readonly string[]).includes(query.severity ?? '') ? query.severity : undefined;
    const rules = (await listRules(db, user.organizationId, { limit: 100 })).data;
    const ruleId = rules.some((r) => r.id === query.ruleId) ? query.ruleId : undefined;
    const page = await withCursorFallback(query.cursor, (cursor) =>
      listAlerts(db, user.organizationId, { status, severity, ruleId, cursor, limit: PAGE_SIZE }),
    );
    const filtered = Boolean(status || severity || ruleId);
    const back = `/alerts?${new URLSearchParams(Object.entries({ status, severity, ruleId }).filter((e): e is [string, string] => Boolean(e[1]))).toString()}`;
    const list =
      page.data.length === 0
        ? html`<div class="empty"><h2>${filtered ? 'No alerts match these filters' : 'No alerts'}</h2><p>${
            filtered ? html`Try other filters, or <a href="/alerts">show all alerts</a>.` : html`Alerts appear when a device's readings meet a rule${user.role === 'admin' ? html` (see <a href="/rules">Rules</a>)` : ''}.`
          }</p></div>`
        : html`<div class="table-wrap"><table class="stack">
  <caption class="visually-hidden">Alerts, newest first</caption>
  <thead><tr><th scope="col">Rule</th><th scope="col">Device</th><th scope="col">Severity</th><th scope="col">Status</th><th scope="col">Owners</th><th scope="col">Ticket</th><th scope="col" class="hide-narrow">Opened</th><th scope="col">Actions</th></tr></thead>
  <tbody>${page.data.map(
    (a) => html`<tr>
    <td>${a.ruleName}<br><span class="muted">${a.diagnosis.summary}</span></td>
    <td data-label="Device"><a href="/devices/${a.deviceId}">${a.deviceIdentifier}</a></td>
    <td data-label="Severity"><span class="badge severity-${a.severity}">${a.severity}</span></td>
    <td data-label="Status"><span class="badge alert-${a.status}">${a.status}</span>${a.acknowledgedAt ? html`<br><span class="muted">acknowledged</span>` : ''}${a.triggerCount > 1 ? html`<br><span class="muted">${a.triggerCount} triggers</span>` : ''}</td>
    <td data-label="Owners">${a.owners.length === 0 ? html`<span class="muted">nobody</span>` : a.owners.map((o, i) => html`${i > 0 ? html`<br>` : ''}<a href="/customers/${o.customerId}">${o.name || o.email}</a>`)}</td>
    <td data-label="Ticket">${a.ticketId ? html`<a href="/tickets/${a.ticketId}">Ticket</a>` : html`<span class="muted">none</span>`}</td>
    <td class="hide-narrow">${time(a.openedAt)}</td>
    <td data-label="Actions">
      ${a.acknowledgedAt ? '' : html`<form method="post" action="/alerts/${a.id}/acknowledge" class="inline"><input type="hidden" name="_csrf" value="${user.csrfToken}"><input type="hidden" name="back" value="${back}"><button type="submit">Acknowledge</button></form>`}
      ${a.status === 'open' ? html`<form method="post" action="/alerts/${a.id}/clear" class="inline"><input type="hidden" name="_csrf" value="${user.csrfToken}"><input type="hidden" name="back" value="${back}"><button type="submit">Clear</button></form>` : ''}
    </td>
  </tr>`,
  )}</tbody></table></div>`;
    return sendPage(reply, {
      title: 'Alerts',
      user,
      section: 'alerts',
      notice: noticeFrom(request.query),
      body: html`<h1>Alerts</h1>
<form method="get" action="/alerts" class="filters" role="search" aria-label="Filter alerts">
  <div class="field"><label for="status">Status</label><select id="status" name="status">${options(STATUSES, status, 'Any status')}</select></div>
  <div class="field"><label for="severity">Severity</label><select id="severity" name="severity">${options(SEVERITIES, severity, 'Any severity')}</select></div>
  <div class="field"><label for="rule">Rule</label><select id="rule" name="ruleId"><option value="">Any rule</option>${rules.map((r) => html`<option value="${r.id}"${r.id === ruleId ? html` selected` : ''}>${r.name}</option>`)}</select></div>
  <button type="submit">Apply filters</button>
  ${filtered ? html`<a href="/alerts">Clear filters</a>` : ''}
</form>
${list}
${pager('/alerts', { status, severity, ruleId }, Boolean(query.cursor), page.nextCursor)}`,
    });
  });

  for (const [action, run, notice] of [
    ['acknowledge', acknowledgeAlert, 'alert-acknowledged'],
    ['clear', clearAlert, 'alert-cleared'],
  ] as const) {
    app.post(`/alerts/:id/${action}`, { schema: { hide: true } }, async (request, reply) => {
      const user = requireUser(request, reply);
      if (!user) return reply;
      const id = idParam(request.params);
      if (!id) return notFoundPage(reply, user, 'Alert', { href: '/alerts', label: 'the alerts' });
      try {
        await run(ctx, user.organizationId, id);
      } catch (error) {
        if (isDomainError(error, 'alert_not_found')) return notFoundPage(reply, user, 'Alert', { href: '/alerts', label: 'the alerts' });
        throw error;
      }
      const back = (request.body as Record<string, string> | undefined)?.back ?? '';
      const target = back.startsWith('/alerts') && !back.startsWith('//') ? back : '/alerts';
      return reply.redirect(`${target}${target.includes('?') ? '&' : '?'}notice=${notice}`, 303);
    });
  }
}
