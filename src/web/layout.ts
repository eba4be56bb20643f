import type { FastifyReply } from 'fastify';
import type { SessionUser } from '../domain/sessions/service.js';
import { html, type Html, type Renderable } from './html.js';
import { ASSET_VERSION } from './assets.js';

export type Section = 'tickets' | 'customers' | 'devices' | 'alerts' | 'rules' | 'integrations' | 'webhooks' | 'users' | 'settings' | 'none';

export interface PageOptions {
  title: string;
  user: SessionUser | null;
  section?: Section;
  body: Renderable;
  /** A short confirmation or error shown above the content (announced to screen readers). */
  notice?: { kind: 'ok' | 'error'; text: string } | null;
  status?: number;
  /** Extra stylesheets and scripts of one page (same-origin /assets/ only). */
  head?: Renderable;
}

function nav(user: SessionUser, section: Section): Html {
  const links: Array<[Section, string, string]> = [
    ['tickets', '/tickets', 'Tickets'],
    ['customers', '/customers', 'Customers'],
    ['devices', '/devices', 'Devices'],
    ['alerts', '/alerts', 'Alerts'],
  ];
  if (user.role === 'admin') {
    links.push(
      ['rules', '/rules', 'Rules'],
      ['integrations', '/integrations', 'Integrations'],
      ['webhooks', '/webhooks', 'Webhooks'],
      ['users', '/users', 'Users'],
      ['settings', '/settings', 'Settings'],
    );
  }
  return html`<nav aria-label="Main">
    <ul class="nav">
      ${links.map(([key, href, label]) =>
        key === section
          ? html`<li><a href="${href}" aria-current="page">${label}</a></li>`
          : html`<li><a href="${href}">${label}</a></li>`,
      )}
    </ul>
  </nav>
  <div class="account">
    <span class="who"><span class="visually-hidden">Signed in as </span>${user.email} <span class="role">${user.role}</span></span>
    <form method="post" action="/logout" class="inline">
      <input type="hidden" name="_csrf" value="${user.csrfToken}">
      <button type="submit" class="link-button">Sign out</button>
    </form>
  </div>`;
}

export function layout(options: PageOptions): Html {
  const { user, section = 'none', notice } = options;
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${options.title} · Telemap</title>
<link rel="stylesheet" href="/assets/app.css?v=${ASSET_VERSION}">
<script src="/assets/app.js?v=${ASSET_VERSION}" defer></script>
${options.head}
</head>
<body>
<a class="skip-link" href="#main">Skip to content</a>
<header class="top">
  <a class="brand" href="/">Telemap${user ? html` <span class="org">${user.organizationName}</span>` : ''}</a>
  ${user ? nav(user, section) : ''}
</header>
<main id="main" tabindex="-1">
${notice ? html`<div class="notice notice-${notice.kind}" role="${notice.kind === 'error' ? 'alert' : 'status'}">${notice.text}</div>` : ''}
${options.body}
</main>
</body>
</html>`;
}

export function sendPage(reply: FastifyReply, options: PageOptions): FastifyReply {
  return reply
    .code(options.status ?? 200)
    .type('text/html; charset=utf-8')
    .send(layout(options).value);
}

/** Fixed confirmation texts chosen by a `notice` query parameter after a redirect: nothing from the URL is echoed. */
export const NOTICES: Record<string, { kind: 'ok' | 'error'; text: string }> = {
  'key-revoked': { kind: 'ok', text: 'The key was revoked. Requests using it are refused from now on.' },
  'reply-added': { kind: 'ok', text: 'Your reply was added to the conversation.' },
  'status-changed': { kind: 'ok', text: 'The status was changed.' },
  'signed-out': { kind: 'ok', text: 'You are signed out.' },
  'alert-acknowledged': { kind: 'ok', text: 'The alert was acknowledged.' },
  'alert-cleared': { kind: 'ok', text: 'The alert was cleared.' },
  'rule-created': { kind: 'ok', text: 'The rule was created. It judges every reading from now on.' },
  'rule-updated': { kind: 'ok', text: 'The rule was saved.' },
  'rule-deleted': { kind: 'ok', text: 'The rule was deleted and its open alerts cleared.' },
  'note-added': { kind: 'ok', text: 'Your internal note was added. The customer does not see it.' },
  'ticket-updated': { kind: 'ok', text: 'The ticket was updated.' },
  'ticket-created': { kind: 'ok', text: 'The ticket was opened.' },
  'session-expired': { kind: 'error', text: 'Your session expired. Sign in again: your unsent reply is kept on this device.' },
  'password-set': { kind: 'ok', text: 'Your password is set. Sign in with it.' },
  'reset-sent': { kind: 'ok', text: 'If that address belongs to an account, a link to set a new password is on its way.' },
  'user-updated': { kind: 'ok', text: 'The user was updated.' },
  'settings-saved': { kind: 'ok', text: 'The settings were saved.' },
};

export function noticeFrom(query: unknown): PageOptions['notice'] {
  const code = (query as { notice?: unknown } | undefined)?.notice;
  return typeof code === 'string' ? (NOTICES[code] ?? null) : null;
}

/** Previous/next links for a keyset-paginated list. */
export function pager(
  basePath: string,
  params: Record<string, string | undefined>,
  hasCursor: boolean,
  nextCursor: string | null,
  prevCursor?: string | null,
): Html {
  if (!hasCursor && !nextCursor) return html``;
  const link = (cursor?: string) => {
    const search = new URLSearchParams();
    for (const [k, v] of Object.entries(params)) if (v) search.set(k, v);
    if (cursor) search.set('cursor', cursor);
    const q = search.toString();
    return q ? `${basePath}?${q}` : basePath;
  };
  return html`<nav class="pager" aria-label="Pagination">
    ${hasCursor ? html`<a href="${link()}">« First page</a>` : ''}
    ${prevCursor ? html`<a href="${link(prevCursor)}" rel="prev">‹ Previous page</a>` : ''}
    ${nextCursor ? html`<a href="${link(nextCursor)}" rel="next">Next page »</a>` : ''}
  </nav>`;
}

export function statusLabel(status: string): string {
  return status.replace(/_/g, ' ');
}
