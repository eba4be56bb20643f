import type { FastifyInstance } from 'fastify';
import {
  getTicket,
  isTicketPriority,
  isTicketStatus,
  listTickets,
  TICKET_PRIORITIES,
  TICKET_STATUSES,
  ticketMessages,
} from '../../domain/dashboard/queries.js';
import { isDomainError } from '../../domain/errors.js';
import { addReply, changeTicketStatus } from '../../domain/tickets/workflow.js';
import { html, time } from '../html.js';
import { noticeFrom, pager, sendPage } from '../layout.js';
import type { WebDeps } from '../plugin.js';
import { formOf, notFoundPage, queryOf, requireUser } from '../session.js';
import { alertPanel } from './alert-panel.js';
import { idParam, options, PAGE_SIZE, priorityBadge, statusBadge, withCursorFallback } from './common.js';

export function registerTicketPages(app: FastifyInstance, { ctx }: WebDeps): void {
  const { db } = ctx.database;

  app.get('/tickets', { schema: { hide: true } }, async (request, reply) => {
    const user = requireUser(request, reply);
    if (!user) return reply;
    const query = queryOf(request);
    const status = isTicketStatus(query.status) ? query.status : undefined;
    const priority = isTicketPriority(query.priority) ? query.priority : undefined;
    const page = await withCursorFallback(query.cursor, (cursor) =>
      listTickets(db, user.organizationId, { status, priority, cursor, limit: PAGE_SIZE }),
    );
    const filtered = Boolean(status || priority);
    const list =
      page.data.length === 0
        ? filtered
          ? html`<div class="empty"><h2>No tickets match these filters</h2><p>Try another status or priority, or <a href="/tickets">show all tickets</a>.</p></div>`
          : html`<div class="empty"><h2>The inbox is empty</h2><p>Tickets arrive when your integration calls <code>POST /api/ext-v1/ticket/createTicket</code>. If nothing is connected yet, an admin can create an API key on the <a href="/integrations">Integrations</a> page.</p></div>`
        : html`<div class="table-wrap"><table class="stack">
  <caption class="visually-hidden">Tickets, newest first</caption>
  <thead><tr><th scope="col">Title</th><th scope="col">Customer</th><th scope="col">Priority</th><th scope="col">Status</th><th scope="col" class="hide-narrow">Created</th></tr></thead>
  <tbody>
  ${page.data.map(
    (t) => html`<tr>
    <td><a href="/tickets/${t.id}">${t.title}</a></td>
    <td data-label="Customer">${t.customerName}<br><span class="muted">${t.customerEmail}</span></td>
    <td data-label="Priority">${priorityBadge(t.priority)}</td>
    <td data-label="Status">${statusBadge(t.status)}</td>
    <td class="hide-narrow">${time(t.createdAt)}</td>
  </tr>`,
  )}
  </tbody></table></div>`;
    return sendPage(reply, {
      title: 'Tickets',
      user,
      section: 'tickets',
      notice: noticeFrom(request.query),
      body: html`<h1>Tickets</h1>
<form method="get" action="/tickets" class="filters" role="search" aria-label="Filter tickets">
  <div class="field"><label for="status">Status</label><select id="status" name="status">${options(TICKET_STATUSES, status, 'Any status')}</select></div>
  <div class="field"><label for="priority">Priority</label><select id="priority" name="priority">${options(TICKET_PRIORITIES, priority, 'Any priority')}</select></div>
  <button type="submit">Apply filters</button>
  ${filtered ? html`<a href="/tickets">Clear filters</a>` : ''}
</form>
${list}
${pager('/tickets', { status, priority }, Boolean(query.cursor), page.nextCursor)}`,
    });
  });

  app.get('/tickets/:id', { schema: { hide: true } }, async (request, reply) => {
    const user = requireUser(request, reply);
    if (!user) return reply;
    const id = idParam(request.params);
    const ticket = id ? await getTicket(db, user.organizationId, id) : undefined;
    if (!id || !ticket) return notFoundPage(reply, user, 'Ticket', { href: '/tickets', label: 'the inbox' });
    const messages = await ticketMessages(db, user.organizationId, id);
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
      <dt>Updated</dt><dd>${time(ticket.updatedAt)}</dd>
    </dl>
  </section>
  <section class="card" aria-labelledby="status-h">
    <h2 id="status-h">Status</h2>
    <form method="post" action="/tickets/${ticket.id}/status">
      <input type="hidden" name="_csrf" value="${user.csrfToken}">
      <div class="field"><label for="new-status">New status</label><select id="new-status" name="status">${options(TICKET_STATUSES, ticket.status)}</select></div>
      <button type="submit">Change status</button>
    </form>
  </section>
</div>
${alert}
${ticket.description ? html`<h2>Description</h2><pre>${ticket.description}</pre>` : ''}
<h2 id="conversation-h">Conversation</h2>
${
  messages.length === 0
    ? html`<p class="muted">No messages yet. Write the first reply below.</p>`
    : html`<ol class="conversation" aria-labelledby="conversation-h">${messages.map(
        (m) => html`<li class="message role-${m.role}"><div class="meta">${m.role} · ${time(m.createdAt)}</div><p class="content">${m.content}</p></li>`,
      )}</ol>`
}
<h2>Reply</h2>
<form method="post" action="/tickets/${ticket.id}/replies">
  <input type="hidden" name="_csrf" value="${user.csrfToken}">
  <div class="field"><label for="reply">Your reply (sent as agent)</label><textarea id="reply" name="content" required maxlength="20000"></textarea></div>
  <button type="submit">Send reply</button>
</form>`,
    });
  });

  app.post('/tickets/:id/status', { schema: { hide: true } }, async (request, reply) => {
    const user = requireUser(request, reply);
    if (!user) return reply;
    const id = idParam(request.params);
    const status = formOf(request).status;
    if (!id) return notFoundPage(reply, user, 'Ticket', { href: '/tickets', label: 'the inbox' });
    if (!isTicketStatus(status)) return reply.redirect(`/tickets/${id}`, 303);
    try {
      await changeTicketStatus(ctx, user.organizationId, id, status);
    } catch (error) {
      if (isDomainError(error, 'ticket_not_found')) return notFoundPage(reply, user, 'Ticket', { href: '/tickets', label: 'the inbox' });
      throw error;
    }
    return reply.redirect(`/tickets/${id}?notice=status-changed`, 303);
  });

  app.post('/tickets/:id/replies', { schema: { hide: true } }, async (request, reply) => {
    const user = requireUser(request, reply);
    if (!user) return reply;
    const id = idParam(request.params);
    if (!id) return notFoundPage(reply, user, 'Ticket', { href: '/tickets', label: 'the inbox' });
    const content = formOf(request).content ?? '';
    try {
      await addReply(ctx, user.organizationId, id, { role: 'agent', content });
    } catch (error) {
      if (isDomainError(error, 'ticket_not_found')) return notFoundPage(reply, user, 'Ticket', { href: '/tickets', label: 'the inbox' });
      if (isDomainError(error, 'invalid_input')) {
        return sendPage(reply, {
          title: 'Reply not sent',
          user,
          status: 400,
          notice: { kind: 'error', text: `The reply was not sent: it ${error.problem.reason}.` },
          body: html`<p><a href="/tickets/${id}">Back to the ticket</a></p>`,
        });
      }
      throw error;
    }
    return reply.redirect(`/tickets/${id}?notice=reply-added#reply`, 303);
  });
}
