import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  createApiKey,
  listApiKeys,
  revokeApiKey,
  rollApiKey,
  type ApiKeySummary,
  type CreatedApiKey,
} from '../../domain/api-keys/service.js';
import type { SessionUser } from '../../domain/sessions/service.js';
import { isDomainError } from '../../domain/errors.js';
import { clearCookie, readCookie, setCookie } from '../cookies.js';
import { html, time, type Html } from '../html.js';
import { noticeFrom, sendPage, type PageOptions } from '../layout.js';
import type { WebDeps } from '../plugin.js';
import { formOf, notFoundPage, requireAdmin } from '../session.js';
import { idParam } from './common.js';

const KEY_NAME_MAX = 100;

/** Where integrations reach this server: TELEMAP_PUBLIC_URL, else what the browser used to reach this page. */
export function publicBaseUrl(deps: WebDeps, request: FastifyRequest): string {
  return deps.config.publicUrl ?? `${request.protocol}://${request.host}`;
}

function keyState(key: ApiKeySummary, now: number): Html {
  if (key.revoked_at !== null) {
    return Date.parse(key.revoked_at) > now
      ? html`<span class="badge">active until ${time(key.revoked_at)}</span>`
      : html`<span class="badge priority-urgent">revoked ${time(key.revoked_at)}</span>`;
  }
  if (key.expires_at !== null && Date.parse(key.expires_at) <= now) return html`<span class="badge">expired</span>`;
  return html`<span class="badge status-resolved">active</span>`;
}

function isLive(key: ApiKeySummary, now: number): boolean {
  return (key.revoked_at === null || Date.parse(key.revoked_at) > now) && (key.expires_at === null || Date.parse(key.expires_at) > now);
}

export const GRACE_CHOICES: ReadonlyArray<readonly [string, string]> = [
  ['0', 'old key stops now'],
  ['3600', 'old key works 1 more hour'],
  ['86400', 'old key works 1 more day'],
  ['604800', 'old key works 7 more days'],
];

/** Regenerating keeps the old key working for a day unless the admin picks otherwise: integrations get time. */
const DEFAULT_GRACE = '86400';

/**
 * A new key travels from the POST that made it to the page that shows it in a short-lived cookie (HttpOnly,
 * SameSite=Strict, only sent to /integrations), read and cleared by that GET: POST-redirect-GET, so reloading the
 * page shows the list and never creates a second key, while the full key still appears exactly once.
 */
const NEW_KEY_COOKIE = 'telemap_new_key';
const NEW_KEY_COOKIE_SECONDS = 300;

interface NewKeyFlash {
  created: CreatedApiKey;
  replaced?: { name: string; until: string | null };
  notice: string;
}

function flashNewKey(deps: WebDeps, reply: FastifyReply, flash: NewKeyFlash): FastifyReply {
  setCookie(reply, NEW_KEY_COOKIE, JSON.stringify(flash), { secure: deps.config.secureCookies, sameSite: 'Strict', path: '/integrations', maxAgeSeconds: NEW_KEY_COOKIE_SECONDS });
  return reply.redirect('/integrations', 303);
}

function takeNewKey(deps: WebDeps, request: FastifyRequest, reply: FastifyReply): NewKeyFlash | undefined {
  const raw = readCookie(request, NEW_KEY_COOKIE);
  if (raw === undefined) return undefined;
  clearCookie(reply, NEW_KEY_COOKIE, { secure: deps.config.secureCookies, sameSite: 'Strict', path: '/integrations' });
  try {
    const flash = JSON.parse(raw) as NewKeyFlash;
    return typeof flash?.created?.apiKey === 'string' && typeof flash.created.name === 'string' ? flash : undefined;
  } catch {
    return undefined;
  }
}

function keyActions(user: SessionUser, key: ApiKeySummary, now: number): Html {
  if (!isLive(key, now)) return html``;
  return html`<div class="actions">
    <form method="post" action="/integrations/keys/${key.id}/regenerate" class="actions" data-confirm="Regenerate “${key.name}”? A new key is created; the old one stops after the grace period you chose.">
      <input type="hidden" name="_csrf" value="${user.csrfToken}">
      <label for="grace-${key.id}" class="visually-hidden">Grace period for ${key.name}</label>
      <select id="grace-${key.id}" name="graceSeconds">${GRACE_CHOICES.map(
        ([v, label]) => html`<option value="${v}"${v === DEFAULT_GRACE ? html` selected` : ''}>${label}</option>`,
      )}</select>
      <button type="submit" class="secondary">Regenerate<span class="visually-hidden"> ${key.name}</span></button>
    </form>
    <form method="post" action="/integrations/keys/${key.id}/revoke" class="inline" data-confirm="Revoke “${key.name}”? Every request using it is refused from now on. This cannot be undone.">
      <input type="hidden" name="_csrf" value="${user.csrfToken}">
      <button type="submit" class="danger">Revoke<span class="visually-hidden"> ${key.name}</span></button>
    </form>
  </div>`;
}

export async function renderIntegrations(
  deps: WebDeps,
  request: FastifyRequest,
  reply: FastifyReply,
  user: SessionUser,
  extra: { created?: CreatedApiKey; replaced?: { name: string; until: string | null }; notice?: PageOptions['notice']; status?: number } = {},
) {
  const keys = await listApiKeys(deps.ctx, user.organizationId);
  const now = deps.ctx.clock.now().getTime();
  const base = publicBaseUrl(deps, request);
  const extBase = `${base}/api/ext-v1`;
  const sampleKey = extra.created?.apiKey ?? 'tlm_YOUR_API_KEY';
  const curl = `curl -s -X POST ${extBase}/customer/createOrUpdateCustomer \\
  -H 'x-api-key: ${sampleKey}' -H 'content-type: application/json' \\
  -d '{"email": "jane@example.com", "name": "Jane Doe"}'`;
  if (extra.created) reply.header('cache-control', 'no-store');
  return sendPage(reply, {
    title: 'Integrations',
    user,
    section: 'integrations',
    status: extra.status,
    notice: extra.notice ?? noticeFrom(request.query),
    body: html`<h1>Integrations</h1>
<p class="lead">API keys let your systems call the Telemetron-compatible API (<code>/api/ext-v1</code>) for ${user.organizationName}.</p>
${
  extra.created
    ? html`<section class="secret-box" aria-labelledby="new-key-h">
  <h2 id="new-key-h">New key “${extra.created.name}”: copy it now</h2>
  <p>This is the only time the full key is shown. Telemap stores only a hash of it.</p>
  ${
    extra.replaced
      ? extra.replaced.until
        ? html`<p>The key it replaces keeps working until ${time(extra.replaced.until)}; update your integration before then.</p>`
        : html`<p>The key it replaces has stopped working.</p>`
      : ''
  }
  <div class="secret-row">
    <label for="new-key" class="visually-hidden">New API key</label>
    <input type="text" id="new-key" readonly value="${extra.created.apiKey}" spellcheck="false" autocomplete="off">
    <button type="button" data-copy-target="new-key" data-copy-status="copy-status" hidden>Copy</button>
  </div>
  <p id="copy-status" role="status" class="muted"></p>
</section>`
    : ''
}
<section aria-labelledby="keys-h">
<h2 id="keys-h">API keys</h2>
${
  keys.length === 0
    ? html`<div class="empty"><p>No API keys yet. Create one below and give it to your integration.</p></div>`
    : html`<div class="table-wrap"><table class="stack">
  <thead><tr><th scope="col">Name</th><th scope="col">Prefix</th><th scope="col">Created</th><th scope="col">Last used</th><th scope="col">State</th><th scope="col">Actions</th></tr></thead>
  <tbody>${keys.map(
    (k) => html`<tr>
    <td><strong>${k.name}</strong></td><td data-label="Prefix"><code>${k.prefix}…</code></td><td data-label="Created">${time(k.created_at)}</td><td data-label="Last used">${time(k.last_used_at)}</td>
    <td data-label="State">${keyState(k, now)}</td><td class="key-actions">${keyActions(user, k, now)}</td></tr>`,
  )}</tbody></table></div>`
}
</section>
<section aria-labelledby="create-h">
<h2 id="create-h">Create a key</h2>
<form method="post" action="/integrations/keys" class="filters">
  <input type="hidden" name="_csrf" value="${user.csrfToken}">
  <div class="field"><label for="key-name">Key name</label><input type="text" id="key-name" name="name" required maxlength="${KEY_NAME_MAX}" placeholder="e.g. CRM sync"></div>
  <button type="submit">Create key</button>
</form>
</section>
<section aria-labelledby="base-h">
<h2 id="base-h">Connect</h2>
<dl class="fields">
  <dt>API base URL</dt><dd><code id="base-url">${extBase}</code></dd>
  <dt>Authentication</dt><dd>header <code>x-api-key: &lt;your key&gt;</code></dd>
  <dt>Reference</dt><dd><a href="/docs">API reference (OpenAPI)</a></dd>
</dl>
<p>Try it (creates or finds a customer):</p>
<pre><code id="curl-example">${curl}</code></pre>
</section>`,
  });
}

export function registerIntegrationsPage(app: FastifyInstance, deps: WebDeps): void {
  const { ctx } = deps;

  app.get('/integrations', { schema: { hide: true } }, async (request, reply) => {
    const user = requireAdmin(request, reply);
    if (!user) return reply;
    const flash = takeNewKey(deps, request, reply);
    if (!flash) return renderIntegrations(deps, request, reply, user);
    return renderIntegrations(deps, request, reply, user, {
      created: flash.created,
      ...(flash.replaced && { replaced: flash.replaced }),
      notice: { kind: 'ok', text: flash.notice },
    });
  });

  // The new key goes to the page through a one-time cookie and a redirect (see NEW_KEY_COOKIE).
  app.post('/integrations/keys', { schema: { hide: true } }, async (request, reply) => {
    const user = requireAdmin(request, reply);
    if (!user) return reply;
    const name = (formOf(request).name ?? '').trim();
    if (name === '' || name.length > KEY_NAME_MAX || name.includes('\0')) {
      return renderIntegrations(deps, request, reply, user, {
        status: 400,
        notice: { kind: 'error', text: `Give the key a name of 1 to ${KEY_NAME_MAX} characters.` },
      });
    }
    const created = await createApiKey(ctx, user.organizationId, name);
    return flashNewKey(deps, reply, { created, notice: `Key “${name}” created.` });
  });

  app.post('/integrations/keys/:id/regenerate', { schema: { hide: true } }, async (request, reply) => {
    const user = requireAdmin(request, reply);
    if (!user) return reply;
    const id = idParam(request.params);
    const grace = GRACE_CHOICES.find(([value]) => value === formOf(request).graceSeconds);
    if (!id) return notFoundPage(reply, user, 'API key', { href: '/integrations', label: 'Integrations' });
    if (!grace) {
      return renderIntegrations(deps, request, reply, user, { status: 400, notice: { kind: 'error', text: 'Choose a grace period from the list.' } });
    }
    try {
      const rolled = await rollApiKey(ctx, user.organizationId, id, Number(grace[0]));
      const until = rolled.previous.revoked_at;
      const stillWorks = until !== null && Date.parse(until) > ctx.clock.now().getTime();
      return flashNewKey(deps, reply, {
        created: rolled.created,
        replaced: { name: rolled.created.name, until: stillWorks ? until : null },
        notice: `Key “${rolled.created.name}” regenerated.`,
      });
    } catch (error) {
      if (isDomainError(error, 'api_key_not_found')) return notFoundPage(reply, user, 'API key', { href: '/integrations', label: 'Integrations' });
      if (isDomainError(error, 'api_key_revoked')) {
        return renderIntegrations(deps, request, reply, user, {
          status: 409,
          notice: { kind: 'error', text: 'That key is already revoked; create a new key instead.' },
        });
      }
      throw error;
    }
  });

  app.post('/integrations/keys/:id/revoke', { schema: { hide: true } }, async (request, reply) => {
    const user = requireAdmin(request, reply);
    if (!user) return reply;
    const id = idParam(request.params);
    try {
      if (!id) throw new Error('not found');
      await revokeApiKey(ctx, id, user.organizationId);
    } catch (error) {
      if (!id || isDomainError(error, 'api_key_not_found')) {
        return notFoundPage(reply, user, 'API key', { href: '/integrations', label: 'Integrations' });
      }
      throw error;
    }
    return reply.redirect('/integrations?notice=key-revoked', 303);
  });
}
