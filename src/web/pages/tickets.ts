// The ticket inbox (views, search, counts, paging both ways) and the ticket page (timeline, reply or internal note
// with an optional status, properties form). The POST handlers are in ticket-actions.ts, the new-ticket form in
// ticket-new.ts.
import type { FastifyInstance } from 'fastify';
import { listCategories } from '../../domain/categories/service.js';
import {
  countTickets,
  getTicket,
  isTicketPriority,
  isTicketStatus,
  listTickets,
  TICKET_PRIORITIES,
  TICKET_STATUSES,
  ticketTimeline,
  type TimelineEntry,
} from '../../domain/dashboard/queries.js';
import { listUsers } from '../../domain/users/repository.js';
import { html, time, type Html } from '../html.js';
import { noticeFrom, pager, sendPage } from '../layout.js';
import type { WebDeps } from '../plugin.js';
import { notFoundPage, queryOf, requireUser } from '../session.js';
import { alertPanel } from './alert-panel.js';
import { idParam, options, PAGE_SIZE, pageSearch, priorityBadge, statusBadge, withCursorFallback } from './common.js';
import { registerTicketActions } from './ticket-actions.js';
import { registerNewTicketPage } from './ticket-new.js';

const VIEWS = [
  ['', 'All tickets'],
  ['mine', 'Assigned to me'],
  ['unassigned', 'Unassigned'],
] as const;

export function authorLabel(author: { type: string; name: string | null }): string {
  switch (author.type) {
    case 'user':
      return author.name ?? 'a user';
    case 'api_key':
      return 'API key';
    case 'integration':
      return 'integration';
    case 'customer':
      return author.name ? `customer ${author.name}` : 'customer';
    case 'bot':
      return 'bot';
    default:
      return 'Telemap';
  }
}

function changeText(entry: Extract<TimelineEntry, { entry: 'change' }>): string {
  const what = { status_changed: 'status', priority_changed: 'priority', assignee_changed: 'assignee', category_changed: 'category' }[entry.type] ?? entry.type;
  const show = (v: string | null) => (v === null ? 'none' : v.replace(/_/g, ' '));
  return `${authorLabel(entry.actor)} changed the ${what} from ${show(entry.from)} to ${show(entry.to)}`;
}

function timelineItem(entry: TimelineEntry): Html {
  if (entry.entry === 'change') return html`<li class="change">${changeText(entry)} · ${time(entry.createdAt)}</li>`;
  return html`<li class="message role-${entry.role} kind-${entry.kind}"><div class="meta">${authorLabel(entry.author)} (${entry.role}) · ${time(entry.createdAt)}</div><p class="content">${entry.content}</p></li>`;
}

export function registerTicketPages(app: FastifyInstance, deps: WebDeps): void {
  const { ctx } = deps;
  const { db } = ctx.database;

  app.get('/tickets', { schema: { hide: true } }, async (request, reply) => {
    const user = requireUser(request, reply);
    if (!user) return reply;
    const query = queryOf(request);
    const status = isTicketStatus(query.status) ? query.status : undefined;
    const priority = isTicketPriority(query.priority) ? query.priority : undefined;
    const view = query.view === 'mine' || query.view === 'unassigned' ? query.view : undefined;
    const q = pageSearch(query.q);
    const filter = { status, priority, q, assignee: view === 'mine' ? user.userId : view === 'unassigned' ? 'none' : undefined };
    const page = await withCursorFallback(query.cursor, (cursor) => listTickets(db, user.organizationId, { ...filter, cursor, limit: PAGE_SIZE }));
    const total = await countTickets(db, user.organizationId, filter);
    const filtered = Boolean(status || priority || q || view);
    const list =
      page.data.length === 0
        ? filtered
          ? html`<div class="empty"><h2>No tickets match these filters</h2><p>Try another view, search or filter, or <a href="/tickets">show all tickets</a>.</p></div>`
          : html`<div class="empty"><h2>The inbox is empty</h2><p>Tickets arrive when your integration calls <code>POST /api/ext-v1/ticket/createTicket</code>, or <a href="/tickets/new">open one by hand</a>. If nothing is connected yet, an admin can create an API key on the <a href="/integrations">Integrations</a> page.</p></div>`
        : html`<div class="table-wrap"><table class="stack">
  <caption class="visually-hidden">Tickets, newest first</caption>
  <thead><tr><th scope="col">Title</th><th scope="col">Customer</th><th scope="col">Priority</th><th scope="col">Status</th><th scope="col">Assignee</th><th scope="col" class="hide-narrow">Created</th></tr></thead>
  <tbody>
  ${page.data.map(
    (t) => html`<tr>
    <td><a href="/tickets/${t.id}">${t.title}</a></td>
    <td data-label="Customer">${t.customerName}<br><span class="muted">${t.customerEmail}</span></td>
    <td data-label="Priority">${priorityBadge(t.priority)}</td>
    <td data-label="Status">${statusBadge(t.status)}</td>
    <td data-label="Assignee">${t.assignee ? t.assignee.email : html`<span class="muted">unassigned</span>`}</td>
    <td class="hide-narrow">${time(t.createdAt)}</td>
  </tr>`,
  )}
  </tbody></table></div>`;
    const params = { view, status, priority, q };
    return sendPage(reply, {
      title: 'Tickets',
      user,
      section: 'tickets',
      notice: noticeFrom(request.query),
      body: html`<h1>Tickets</h1>
<p><a href="/tickets/new">Open a ticket</a></p>
<nav aria-label="Ticket views"><ul class="views">${VIEWS.map(([value, label]) => {
        const href = value ? `/tickets?view=${value}` : '/tickets';
        return html`<li><a href="${href}"${(view ?? '') === value ? html` aria-current="page"` : ''}>${label}</a></li>`;
      })}</ul></nav>
<form method="get" action="/tickets" class="filters" role="search" aria-label="Search and filter tickets">
  ${view ? html`<input type="hidden" name="view" value="${view}">` : ''}
  <div class="field"><label for="q">Search title and messages</label><input type="search" id="q" name="q" maxlength="200" value="${q ?? ''}"></div>
  <div class="field"><label for="status">Status</label><select id="status" name="status">${options(TICKET_STATUSES, status, 'Any status')}</select></div>
  <div class="field"><label for="priority">Priority</label><select id="priority" name="priority">${options(TICKET_PRIORITIES, priority, 'Any priority')}</select></div>
  <button type="submit">Apply filters</button>
  ${filtered ? html`<a href="/tickets">Clear filters</a>` : ''}
</form>
<p class="count" role="status">${total === 1 ? '1 ticket matches' : `${total} tickets match`}</p>
${list}
${pager('/tickets', params, Boolean(query.cursor), page.nextCursor, page.prevCursor)}`,
    });
  });

  registerNewTicketPage(app, deps);

  app.get('/tickets/:id', { schema: { hide: true } }, async (request, reply) => {
    const user = requireUser(request, reply);
    if (!user) return reply;
    const id = idParam(request.params);
    const ticket = id ? await getTicket(db, user.organizationId, id) : undefined;
    if (!id || !ticket) return notFoundPage(reply, user, 'Ticket', { href: '/tickets', label: 'the inbox' });
    const [timeline, users, categories] = await Promise.all([
      ticketTimeline(db, user.organizationId, id),
      listUsers(db, user.organizationId, { activeOnly: true }),
      listCategories(ctx, user.organizationId),
    ]);
    const alert = await alertPanel(db, user.organizationId, id);
    return sendPage(reply, {
      title: ticket.title,
      user,
      section: 'tickets',
      notice: noticeFrom(request.query),
      body: html`<p><a href="/tickets">« Inbox</a></p>
<h1>${ticket.title}</h1>
<p class="lead">${statusBadge(ticket.status)} ${priorityBadge(ticket.priority)} · opened ${time(ticket.createdAt)} · via ${ticket.channel}</p>
<div class="cards">
  <section class="card" aria-labelledby="details-h">
    <h2 id="details-h">Details</h2>
    <dl class="fields">
      <dt>Customer</dt><dd><a href="/customers/${ticket.customerId}">${ticket.customerName}</a><br><span class="muted">${ticket.customerEmail}</span></dd>
      <dt>Device</dt><dd>${ticket.deviceId ? html`<a href="/devices/${ticket.deviceId}">${ticket.deviceIdentifier}</a>` : html`<span class="muted">none</span>`}</dd>
      <dt>Category</dt><dd>${ticket.category ?? html`<span class="muted">uncategorized</span>`}</dd>
      <dt>Assignee</dt><dd>${ticket.assignee ? ticket.assignee.email : html`<span class="muted">unassigned</span>`}</dd>
      <dt>Updated</dt><dd>${time(ticket.updatedAt)}</dd>
    </dl>
  </section>
  <section class="card" aria-labelledby="props-h">
    <h2 id="props-h">Properties</h2>
    <form method="post" action="/tickets/${ticket.id}/update">
      <input type="hidden" name="_csrf" value="${user.csrfToken}">
      <div class="field"><label for="new-status">Status</label><select id="new-status" name="status">${options(TICKET_STATUSES, ticket.status)}</select></div>
      <div class="field"><label for="new-priority">Priority</label><select id="new-priority" name="priority">${options(TICKET_PRIORITIES, ticket.priority)}</select></div>
      <div class="field"><label for="new-category">Category</label><select id="new-category" name="category">
        <option value=""${ticket.category ? '' : html` selected`}>Uncategorized</option>
        ${categories.map((c) => html`<option value="${c.name}"${c.name === ticket.category ? html` selected` : ''}>${c.name}</option>`)}
      </select></div>
      <div class="field"><label for="new-assignee">Assignee</label><select id="new-assignee" name="assignee">
        <option value=""${ticket.assignee ? '' : html` selected`}>Unassigned</option>
        ${users.map((u) => html`<option value="${u.id}"${u.id === ticket.assignee?.id ? html` selected` : ''}>${u.email}${u.id === user.userId ? ' (me)' : ''}</option>`)}
      </select></div>
      <button type="submit">Save changes</button>
    </form>
  </section>
</div>
${alert}
${ticket.description ? html`<h2>Description</h2><pre>${ticket.description}</pre>` : ''}
<h2 id="conversation-h">Timeline</h2>
${
  timeline.length === 0
    ? html`<p class="muted">No messages yet. Write the first reply below.</p>`
    : html`<ol class="conversation" aria-labelledby="conversation-h">${timeline.map(timelineItem)}</ol>`
}
<h2 id="reply">Reply</h2>
<form method="post" action="/tickets/${ticket.id}/replies">
  <input type="hidden" name="_csrf" value="${user.csrfToken}">
  <fieldset class="kind-choice"><legend class="visually-hidden">Kind of message</legend>
    <label><input type="radio" name="kind" value="message" checked> Public reply to the customer</label>
    <label><input type="radio" name="kind" value="note"> Internal note (the customer never sees it)</label>
  </fieldset>
  <div class="field"><label for="reply-content">Your message (as ${user.email})</label><textarea id="reply-content" name="content" required maxlength="20000" data-draft-key="${ticket.id}" data-draft-status="draft-status"></textarea></div>
  <p id="draft-status" class="muted" role="status"></p>
  <div class="field"><label for="reply-status">Then set the status</label><select id="reply-status" name="status"><option value="" selected>Keep ${ticket.status.replace(/_/g, ' ')}</option>${options(TICKET_STATUSES, undefined)}</select></div>
  <button type="submit">Send</button>
</form>`,
    });
  });

  registerTicketActions(app, deps);
}
