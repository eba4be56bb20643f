// The Webhooks page (admins): endpoints with their state, the signing secret shown once after creation, enable,
// disable, delete, "send test event", and each endpoint's deliveries with their status and response code.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isDomainError } from '../../domain/errors.js';
import { EVENT_TYPES, isEventType, type EventType } from '../../domain/outbox/events.js';
import type { SessionUser } from '../../domain/sessions/service.js';
import {
  createWebhook,
  deleteWebhook,
  getWebhook,
  listDeliveries,
  listWebhooks,
  queueTestEvent,
  updateWebhook,
  type CreatedWebhook,
  type WebhookView,
} from '../../domain/webhooks/service.js';
import { html, time, type Html } from '../html.js';
import { pager, sendPage, type PageOptions } from '../layout.js';
import type { WebDeps } from '../plugin.js';
import { formOf, notFoundPage, queryOf, requireAdmin } from '../session.js';
import { idParam, PAGE_SIZE, withCursorFallback } from './common.js';

const NOTICES: Record<string, NonNullable<PageOptions['notice']>> = {
  'test-queued': { kind: 'ok', text: 'A test event was queued. It appears in the deliveries below within a moment.' },
  enabled: { kind: 'ok', text: 'The endpoint is enabled.' },
  disabled: { kind: 'ok', text: 'The endpoint is disabled: it receives nothing until enabled again.' },
  deleted: { kind: 'ok', text: 'The endpoint was deleted.' },
};

function noticeOf(request: FastifyRequest): PageOptions['notice'] {
  const code = queryOf(request).notice;
  return code ? (NOTICES[code] ?? null) : null;
}

function csrf(user: SessionUser): Html {
  return html`<input type="hidden" name="_csrf" value="${user.csrfToken}">`;
}

function stateBadge(endpoint: WebhookView): Html {
  if (endpoint.enabled) return html`<span class="badge status-resolved">enabled</span>`;
  return endpoint.disabledReason
    ? html`<span class="badge priority-urgent">disabled: ${endpoint.disabledReason}</span>`
    : html`<span class="badge">disabled</span>`;
}

function deliveryBadge(status: string): Html {
  const style = status === 'delivered' ? 'status-resolved' : status === 'failed' ? 'priority-urgent' : 'status-open';
  return html`<span class="badge ${style}">${status}</span>`;
}

function endpointActions(user: SessionUser, endpoint: WebhookView): Html {
  return html`<div class="actions">
    <form method="post" action="/webhooks/${endpoint.id}/test" class="inline">${csrf(user)}
      <button type="submit" class="secondary">Send test event<span class="visually-hidden"> to ${endpoint.url}</span></button></form>
    <form method="post" action="/webhooks/${endpoint.id}/${endpoint.enabled ? 'disable' : 'enable'}" class="inline">${csrf(user)}
      <button type="submit" class="secondary">${endpoint.enabled ? 'Disable' : 'Enable'}<span class="visually-hidden"> ${endpoint.url}</span></button></form>
    <form method="post" action="/webhooks/${endpoint.id}/delete" class="inline">${csrf(user)}
      <button type="submit" class="danger">Delete<span class="visually-hidden"> ${endpoint.url}</span></button></form>
  </div>`;
}

async function renderList(
  deps: WebDeps,
  request: FastifyRequest,
  reply: FastifyReply,
  user: SessionUser,
  extra: { created?: CreatedWebhook; notice?: PageOptions['notice']; status?: number } = {},
) {
  const cursor = queryOf(request).cursor;
  const page = await withCursorFallback(cursor, (c) => listWebhooks(deps.ctx, user.organizationId, { limit: PAGE_SIZE, cursor: c }));
  if (extra.created) reply.header('cache-control', 'no-store');
  return sendPage(reply, {
    title: 'Webhooks',
    user,
    section: 'webhooks',
    status: extra.status,
    notice: extra.notice ?? noticeOf(request),
    body: html`<h1>Webhooks</h1>
<p class="lead">Telemap sends alerts and ticket changes to these URLs, signed as Standard Webhooks, or as Slack messages. See docs/webhooks.md to verify them.</p>
${
  extra.created
    ? html`<section class="secret-box" aria-labelledby="new-secret-h">
  <h2 id="new-secret-h">Signing secret for ${extra.created.url}: copy it now</h2>
  <p>This is the only time the secret is shown. Your receiver uses it to verify that a request comes from Telemap.</p>
  <div class="secret-row">
    <label for="new-secret" class="visually-hidden">Signing secret</label>
    <input type="text" id="new-secret" readonly value="${extra.created.secret}" spellcheck="false" autocomplete="off">
    <button type="button" data-copy-target="new-secret" data-copy-status="copy-status" hidden>Copy</button>
  </div>
  <p id="copy-status" role="status" class="muted"></p>
</section>`
    : ''
}
<section aria-labelledby="endpoints-h">
<h2 id="endpoints-h">Endpoints</h2>
${
  page.data.length === 0
    ? html`<div class="empty"><p>No webhook endpoints yet. Add one below.</p></div>`
    : html`<div class="table-wrap"><table class="stack">
  <thead><tr><th scope="col">URL</th><th scope="col">Format</th><th scope="col">Events</th><th scope="col">State</th><th scope="col">Created</th><th scope="col">Actions</th></tr></thead>
  <tbody>${page.data.map(
    (e) => html`<tr>
    <td><a href="/webhooks/${e.id}">${e.url}</a>${e.description ? html`<br><span class="muted">${e.description}</span>` : ''}</td>
    <td data-label="Format">${e.format}</td>
    <td data-label="Events">${e.events.length === EVENT_TYPES.length ? 'all' : e.events.join(', ')}</td>
    <td data-label="State">${stateBadge(e)}</td>
    <td data-label="Created">${time(e.createdAt)}</td>
    <td>${endpointActions(user, e)}</td></tr>`,
  )}</tbody></table></div>`
}
${pager('/webhooks', {}, Boolean(cursor), page.nextCursor)}
</section>
<section aria-labelledby="create-h">
<h2 id="create-h">Add an endpoint</h2>
<form method="post" action="/webhooks">
  ${csrf(user)}
  <div class="field"><label for="webhook-url">URL</label><input type="url" id="webhook-url" name="url" required maxlength="2048" placeholder="https://example.com/telemap-webhook"></div>
  <div class="field"><label for="webhook-format">Format</label><select id="webhook-format" name="format">
    <option value="standard">Standard Webhooks (signed JSON)</option><option value="slack">Slack incoming webhook</option></select></div>
  <div class="field"><label for="webhook-description">Description (optional)</label><input type="text" id="webhook-description" name="description" maxlength="1000"></div>
  <fieldset><legend>Events (none ticked: all)</legend>
    ${EVENT_TYPES.filter((t) => t !== 'webhook.test').map(
      (t) => html`<label class="check"><input type="checkbox" name="event:${t}" value="on"> <code>${t}</code></label> `,
    )}
  </fieldset>
  <button type="submit">Add endpoint</button>
</form>
</section>`,
  });
}

async function renderEndpoint(deps: WebDeps, request: FastifyRequest, reply: FastifyReply, user: SessionUser, endpoint: WebhookView) {
  const cursor = queryOf(request).cursor;
  const page = await withCursorFallback(cursor, (c) => listDeliveries(deps.ctx, user.organizationId, endpoint.id, { limit: PAGE_SIZE, cursor: c }));
  return sendPage(reply, {
    title: `Webhook ${endpoint.url}`,
    user,
    section: 'webhooks',
    notice: noticeOf(request),
    body: html`<p><a href="/webhooks">« Webhooks</a></p>
<h1>${endpoint.url}</h1>
<dl class="fields">
  <dt>Format</dt><dd>${endpoint.format}</dd>
  <dt>Events</dt><dd>${endpoint.events.join(', ')}</dd>
  <dt>State</dt><dd>${stateBadge(endpoint)}</dd>
  ${endpoint.description ? html`<dt>Description</dt><dd>${endpoint.description}</dd>` : ''}
</dl>
${endpointActions(user, endpoint)}
<section aria-labelledby="deliveries-h">
<h2 id="deliveries-h">Deliveries</h2>
${
  page.data.length === 0
    ? html`<div class="empty"><p>Nothing sent to this endpoint yet.</p></div>`
    : html`<div class="table-wrap"><table class="stack" id="deliveries">
  <thead><tr><th scope="col">Event</th><th scope="col">Status</th><th scope="col">Response</th><th scope="col">Attempts</th><th scope="col">Error</th><th scope="col">Next attempt</th><th scope="col">Created</th></tr></thead>
  <tbody>${page.data.map(
    (d) => html`<tr>
    <td><code>${d.type}</code><br><span class="muted">${d.eventId}</span></td>
    <td data-label="Status">${deliveryBadge(d.status)}</td>
    <td data-label="Response">${d.responseStatus === null ? '—' : String(d.responseStatus)}</td>
    <td data-label="Attempts">${String(d.attempt)}</td>
    <td data-label="Error">${d.error ?? ''}</td>
    <td data-label="Next attempt">${d.nextAttemptAt ? time(d.nextAttemptAt) : '—'}</td>
    <td data-label="Created">${time(d.createdAt)}</td></tr>`,
  )}</tbody></table></div>`
}
${pager(`/webhooks/${endpoint.id}`, {}, Boolean(cursor), page.nextCursor)}
</section>`,
  });
}

/** One checkbox per type (`event:<type>`): the form parser keeps one value per name. */
function eventsOf(form: Record<string, string>): EventType[] | null {
  const picked = Object.keys(form)
    .filter((name) => name.startsWith('event:') && form[name] === 'on')
    .map((name) => name.slice('event:'.length))
    .filter(isEventType);
  return picked.length === 0 ? null : picked;
}

export function registerWebhookPages(app: FastifyInstance, deps: WebDeps): void {
  const { ctx } = deps;
  const missing = (reply: FastifyReply, user: SessionUser) => notFoundPage(reply, user, 'Webhook', { href: '/webhooks', label: 'Webhooks' });

  app.get('/webhooks', { schema: { hide: true } }, async (request, reply) => {
    const user = requireAdmin(request, reply);
    if (!user) return reply;
    return renderList(deps, request, reply, user);
  });

  app.get('/webhooks/:id', { schema: { hide: true } }, async (request, reply) => {
    const user = requireAdmin(request, reply);
    if (!user) return reply;
    const id = idParam(request.params);
    if (!id) return missing(reply, user);
    try {
      return await renderEndpoint(deps, request, reply, user, await getWebhook(ctx, user.organizationId, id));
    } catch (error) {
      if (isDomainError(error, 'webhook_not_found')) return missing(reply, user);
      throw error;
    }
  });

  // The secret is rendered in the answer to the POST itself (no redirect), so it is never shown a second time.
  app.post('/webhooks', { schema: { hide: true } }, async (request, reply) => {
    const user = requireAdmin(request, reply);
    if (!user) return reply;
    const form = formOf(request);
    const format = form.format === 'slack' ? 'slack' : 'standard';
    try {
      const created = await createWebhook(ctx, user.organizationId, {
        url: form.url ?? '',
        format,
        events: eventsOf(form),
        description: (form.description ?? '').slice(0, 1000) || null,
      });
      return renderList(deps, request, reply, user, { created, notice: { kind: 'ok', text: `Endpoint ${created.url} added.` } });
    } catch (error) {
      if (isDomainError(error, 'invalid_input')) {
        return renderList(deps, request, reply, user, {
          status: 400,
          notice: { kind: 'error', text: `The ${error.problem.field} ${error.problem.reason}.` },
        });
      }
      throw error;
    }
  });

  const action = (path: string, run: (organizationId: string, id: string) => Promise<unknown>, notice: string, back: (id: string) => string) =>
    app.post(`/webhooks/:id/${path}`, { schema: { hide: true } }, async (request, reply) => {
      const user = requireAdmin(request, reply);
      if (!user) return reply;
      const id = idParam(request.params);
      if (!id) return missing(reply, user);
      try {
        await run(user.organizationId, id);
      } catch (error) {
        if (isDomainError(error, 'webhook_not_found')) return missing(reply, user);
        throw error;
      }
      return reply.redirect(`${back(id)}?notice=${notice}`, 303);
    });

  action('test', (organizationId, id) => queueTestEvent(ctx, organizationId, id), 'test-queued', (id) => `/webhooks/${id}`);
  action('enable', (organizationId, id) => updateWebhook(ctx, organizationId, id, { enabled: true }), 'enabled', (id) => `/webhooks/${id}`);
  action('disable', (organizationId, id) => updateWebhook(ctx, organizationId, id, { enabled: false }), 'disabled', (id) => `/webhooks/${id}`);
  action('delete', (organizationId, id) => deleteWebhook(ctx, organizationId, id), 'deleted', () => '/webhooks');
}
