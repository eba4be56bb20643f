// Opening a ticket by hand (a call, a walk-in): the customer by e-mail, created if new; an optional device by its
// identifier. Goes through the same createTicket as ext-v1, so the ticket.created event and categorization apply.
import type { FastifyInstance, FastifyReply } from 'fastify';
import { listCategories } from '../../domain/categories/service.js';
import { isPlausibleEmail, normalizeEmail } from '../../domain/customers/email.js';
import { TICKET_PRIORITIES } from '../../domain/dashboard/queries.js';
import { isDomainError } from '../../domain/errors.js';
import type { SessionUser } from '../../domain/sessions/service.js';
import { userActor } from '../../domain/tickets/actor.js';
import { createTicket } from '../../domain/tickets/create.js';
import { characterLength, isTicketPriority, MAX_TITLE_LENGTH } from '../../domain/tickets/model.js';
import { REPLY_MAX_LENGTH } from '../../domain/tickets/workflow.js';
import { html } from '../html.js';
import { sendPage } from '../layout.js';
import type { WebDeps } from '../plugin.js';
import { formOf, requireUser } from '../session.js';
import { options } from './common.js';

type Form = Record<string, string | undefined>;

async function newTicketForm(reply: FastifyReply, deps: WebDeps, user: SessionUser, form: Form, error?: string) {
  const categories = await listCategories(deps.ctx, user.organizationId);
  return sendPage(reply, {
    title: 'Open a ticket',
    user,
    section: 'tickets',
    status: error ? 400 : 200,
    notice: error ? { kind: 'error', text: error } : null,
    body: html`<p><a href="/tickets">« Inbox</a></p>
<h1>Open a ticket</h1>
<form method="post" action="/tickets/new">
  <input type="hidden" name="_csrf" value="${user.csrfToken}">
  <div class="field"><label for="customerEmail">Customer e-mail (a new customer is created if needed)</label><input type="email" id="customerEmail" name="customerEmail" required maxlength="320" value="${form.customerEmail ?? ''}"></div>
  <div class="field"><label for="title">Title</label><input id="title" name="title" required maxlength="${MAX_TITLE_LENGTH}" value="${form.title ?? ''}"></div>
  <div class="field"><label for="description">What the customer reported</label><textarea id="description" name="description" maxlength="${REPLY_MAX_LENGTH}">${form.description ?? ''}</textarea></div>
  <div class="field"><label for="deviceIdentifier">Device identifier (optional)</label><input id="deviceIdentifier" name="deviceIdentifier" maxlength="255" value="${form.deviceIdentifier ?? ''}"></div>
  <div class="field"><label for="priority">Priority</label><select id="priority" name="priority">${options(TICKET_PRIORITIES, isTicketPriority(form.priority) ? form.priority : 'medium')}</select></div>
  <div class="field"><label for="category">Category</label><select id="category" name="category"><option value="">Choose automatically</option>${categories.map(
    (c) => html`<option value="${c.name}"${c.name === form.category ? html` selected` : ''}>${c.name}</option>`,
  )}</select></div>
  <button type="submit">Open ticket</button>
</form>`,
  });
}

export function registerNewTicketPage(app: FastifyInstance, deps: WebDeps): void {
  app.get('/tickets/new', { schema: { hide: true } }, async (request, reply) => {
    const user = requireUser(request, reply);
    if (!user) return reply;
    return newTicketForm(reply, deps, user, {});
  });

  app.post('/tickets/new', { schema: { hide: true } }, async (request, reply) => {
    const user = requireUser(request, reply);
    if (!user) return reply;
    const form = formOf(request);
    const email = normalizeEmail(form.customerEmail ?? '');
    const title = (form.title ?? '').trim();
    const description = (form.description ?? '').trim();
    const deviceIdentifier = (form.deviceIdentifier ?? '').trim();
    const text = `${email}${title}${description}${deviceIdentifier}${form.category ?? ''}`;
    if (!isPlausibleEmail(email)) return newTicketForm(reply, deps, user, form, 'Enter the customer’s e-mail address.');
    if (title === '' || characterLength(title) > MAX_TITLE_LENGTH) return newTicketForm(reply, deps, user, form, `Enter a title of at most ${MAX_TITLE_LENGTH} characters.`);
    if (description.length > REPLY_MAX_LENGTH || text.includes('\0')) return newTicketForm(reply, deps, user, form, 'The description is too long or contains invalid characters.');
    try {
      const created = await createTicket(deps.ctx, user.organizationId, {
        title,
        description,
        priority: isTicketPriority(form.priority) ? form.priority : 'medium',
        customer: { email },
        ...(form.category ? { category: form.category } : {}),
        messages: [],
        ...(deviceIdentifier ? { deviceIdentifier } : {}),
        channel: 'dashboard',
        author: userActor(user),
      });
      return reply.redirect(`/tickets/${created.ticketId}?notice=ticket-created`, 303);
    } catch (error) {
      if (isDomainError(error, 'device_not_found')) return newTicketForm(reply, deps, user, form, `No device has the identifier “${deviceIdentifier}”.`);
      if (isDomainError(error, 'invalid_input')) return newTicketForm(reply, deps, user, form, `${error.problem.field} ${error.problem.reason}.`);
      throw error;
    }
  });
}
