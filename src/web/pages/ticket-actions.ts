// What the ticket page posts: a reply or internal note (optionally with a status), and the properties form. Each
// answers with a redirect to the ticket (POST-redirect-GET), so a reload never sends anything twice.
import type { FastifyInstance, FastifyReply } from 'fastify';
import { isTicketPriority, isTicketStatus } from '../../domain/dashboard/queries.js';
import { isDomainError } from '../../domain/errors.js';
import { isUuid } from '../../domain/ids.js';
import { userActor } from '../../domain/tickets/actor.js';
import { addReply, changeTicketStatus, updateTicket, type TicketUpdate } from '../../domain/tickets/workflow.js';
import type { SessionUser } from '../../domain/sessions/service.js';
import { html } from '../html.js';
import { sendPage } from '../layout.js';
import type { WebDeps } from '../plugin.js';
import { formOf, notFoundPage, requireUser } from '../session.js';
import { idParam } from './common.js';

function ticketNotFound(reply: FastifyReply, user: SessionUser) {
  return notFoundPage(reply, user, 'Ticket', { href: '/tickets', label: 'the inbox' });
}

function refused(reply: FastifyReply, user: SessionUser, id: string, what: string, reason: string) {
  return sendPage(reply, {
    title: `${what} not saved`,
    user,
    status: 400,
    notice: { kind: 'error', text: `${what} was not saved: ${reason}.` },
    body: html`<p><a href="/tickets/${id}">Back to the ticket</a> (an unsent reply is kept in its box).</p>`,
  });
}

export function registerTicketActions(app: FastifyInstance, { ctx }: WebDeps): void {
  app.post('/tickets/:id/status', { schema: { hide: true } }, async (request, reply) => {
    const user = requireUser(request, reply);
    if (!user) return reply;
    const id = idParam(request.params);
    const status = formOf(request).status;
    if (!id) return ticketNotFound(reply, user);
    if (!isTicketStatus(status)) return reply.redirect(`/tickets/${id}`, 303);
    try {
      await changeTicketStatus(ctx, user.organizationId, id, status, userActor(user));
    } catch (error) {
      if (isDomainError(error, 'ticket_not_found')) return ticketNotFound(reply, user);
      throw error;
    }
    return reply.redirect(`/tickets/${id}?notice=status-changed`, 303);
  });

  app.post('/tickets/:id/update', { schema: { hide: true } }, async (request, reply) => {
    const user = requireUser(request, reply);
    if (!user) return reply;
    const id = idParam(request.params);
    if (!id) return ticketNotFound(reply, user);
    const form = formOf(request);
    const update: TicketUpdate = {};
    if (isTicketStatus(form.status)) update.status = form.status;
    if (isTicketPriority(form.priority)) update.priority = form.priority;
    if (typeof form.category === 'string') update.category = form.category.trim() === '' ? null : form.category;
    if (typeof form.assignee === 'string') update.assigneeUserId = form.assignee === '' ? null : isUuid(form.assignee) ? form.assignee.toLowerCase() : form.assignee;
    try {
      await updateTicket(ctx, user.organizationId, id, update, userActor(user));
    } catch (error) {
      if (isDomainError(error, 'ticket_not_found')) return ticketNotFound(reply, user);
      if (isDomainError(error, 'invalid_input')) return refused(reply, user, id, 'The change', `${error.problem.field} ${error.problem.reason}`);
      throw error;
    }
    return reply.redirect(`/tickets/${id}?notice=ticket-updated`, 303);
  });

  app.post('/tickets/:id/replies', { schema: { hide: true } }, async (request, reply) => {
    const id = idParam(request.params);
    // The session ran out while the agent was typing: back to sign in, then to this ticket, where the reply box
    // gets its draft back (client.ts keeps it on the device).
    if (!request.webUser && id) return reply.redirect(`/login?next=${encodeURIComponent(`/tickets/${id}`)}&notice=session-expired`, 303);
    const user = requireUser(request, reply);
    if (!user) return reply;
    if (!id) return ticketNotFound(reply, user);
    const form = formOf(request);
    const kind = form.kind === 'note' ? 'note' : 'message';
    const status = isTicketStatus(form.status) ? form.status : undefined;
    try {
      await addReply(ctx, user.organizationId, id, {
        role: 'agent',
        content: form.content ?? '',
        kind,
        author: userActor(user),
        ...(status && { status }),
      });
    } catch (error) {
      if (isDomainError(error, 'ticket_not_found')) return ticketNotFound(reply, user);
      if (isDomainError(error, 'invalid_input')) return refused(reply, user, id, 'The reply', `it ${error.problem.reason}`);
      throw error;
    }
    // The draft is forgotten by the page only when this notice confirms the reply was stored.
    return reply.redirect(`/tickets/${id}?notice=${kind === 'note' ? 'note-added&draft=sent' : 'reply-added'}#reply`, 303);
  });
}
