import type { FastifyInstance } from 'fastify';
import { currentDevicesOf, getCustomer, countCustomers, listCustomers, listTickets } from '../../domain/dashboard/queries.js';
import { html, time } from '../html.js';
import { pager, sendPage } from '../layout.js';
import type { WebDeps } from '../plugin.js';
import { notFoundPage, queryOf, requireUser } from '../session.js';
import { idParam, metadataBlock, PAGE_SIZE, pageSearch, priorityBadge, statusBadge, withCursorFallback } from './common.js';

export function registerCustomerPages(app: FastifyInstance, { ctx }: WebDeps): void {
  const { db } = ctx.database;

  app.get('/customers', { schema: { hide: true } }, async (request, reply) => {
    const user = requireUser(request, reply);
    if (!user) return reply;
    const query = queryOf(request);
    const q = pageSearch(query.q);
    const page = await withCursorFallback(query.cursor, (cursor) => listCustomers(db, user.organizationId, { q, cursor, limit: PAGE_SIZE }));
    const total = await countCustomers(db, user.organizationId, { q });
    const list =
      page.data.length === 0
        ? q
          ? html`<div class="empty"><h2>No customer matches “${q}”</h2><p>Search looks inside emails, names, phone numbers and addresses. Try part of the address, or <a href="/customers">list all customers</a>.</p></div>`
          : html`<div class="empty"><h2>No customers yet</h2><p>Customers appear when your integration calls <code>POST /api/ext-v1/customer/createOrUpdateCustomer</code>, assigns a device or opens a ticket.</p></div>`
        : html`<div class="table-wrap"><table>
  <caption class="visually-hidden">Customers, newest first</caption>
  <thead><tr><th scope="col">Name</th><th scope="col">Email</th><th scope="col" class="hide-narrow">Phone</th><th scope="col" class="hide-narrow">Created</th></tr></thead>
  <tbody>${page.data.map(
    (c) => html`<tr><td><a href="/customers/${c.id}">${c.name}</a></td><td>${c.email}</td><td class="hide-narrow">${c.phone ?? ''}</td><td class="hide-narrow">${time(c.createdAt)}</td></tr>`,
  )}</tbody></table></div>`;
    return sendPage(reply, {
      title: 'Customers',
      user,
      section: 'customers',
      body: html`<h1>Customers</h1>
<form method="get" action="/customers" class="filters" role="search" aria-label="Search customers">
  <div class="field"><label for="q">Search by email, name, phone or address</label><input type="search" id="q" name="q" maxlength="200" value="${q ?? ''}"></div>
  <button type="submit">Search</button>
  ${q ? html`<a href="/customers">Clear search</a>` : ''}
</form>
<p class="count" role="status">${total === 1 ? '1 customer matches' : `${total} customers match`}</p>
${list}
${pager('/customers', { q }, Boolean(query.cursor), page.nextCursor, page.prevCursor)}`,
    });
  });

  app.get('/customers/:id', { schema: { hide: true } }, async (request, reply) => {
    const user = requireUser(request, reply);
    if (!user) return reply;
    const id = idParam(request.params);
    const customer = id ? await getCustomer(db, user.organizationId, id) : undefined;
    if (!id || !customer) return notFoundPage(reply, user, 'Customer', { href: '/customers', label: 'the customers' });
    const [devices, tickets] = await Promise.all([
      currentDevicesOf(db, user.organizationId, id),
      listTickets(db, user.organizationId, { customerId: id, limit: 50 }),
    ]);
    return sendPage(reply, {
      title: customer.name,
      user,
      section: 'customers',
      body: html`<p><a href="/customers">« Customers</a></p>
<h1>${customer.name}</h1>
<div class="cards">
  <section class="card" aria-labelledby="contact-h">
    <h2 id="contact-h">Contact</h2>
    <dl class="fields">
      <dt>Email</dt><dd>${customer.email}</dd>
      <dt>Phone</dt><dd>${customer.phone ?? html`<span class="muted">not set</span>`}</dd>
      <dt>Address</dt><dd>${customer.address ?? html`<span class="muted">not set</span>`}</dd>
      <dt>Created</dt><dd>${time(customer.createdAt)}</dd>
      <dt>Updated</dt><dd>${time(customer.updatedAt)}</dd>
    </dl>
  </section>
  <section class="card" aria-labelledby="devices-h">
    <h2 id="devices-h">Devices</h2>
    ${
      devices.length === 0
        ? html`<p class="muted">Owns no device. Devices are linked through <code>POST /api/ext-v1/deviceAssignment/assignDeviceToOwners</code>.</p>`
        : html`<ul>${devices.map((d) => html`<li><a href="/devices/${d.deviceId}">${d.deviceIdentifier}</a> <span class="muted">since ${time(d.assignedAt)}</span></li>`)}</ul>`
    }
  </section>
</div>
<h2>Tickets</h2>
${
  tickets.data.length === 0
    ? html`<p class="muted">No tickets from this customer.</p>`
    : html`<div class="table-wrap"><table><thead><tr><th scope="col">Title</th><th scope="col">Priority</th><th scope="col">Status</th><th scope="col" class="hide-narrow">Created</th></tr></thead>
<tbody>${tickets.data.map(
        (t) => html`<tr><td><a href="/tickets/${t.id}">${t.title}</a></td><td>${priorityBadge(t.priority)}</td><td>${statusBadge(t.status)}</td><td class="hide-narrow">${time(t.createdAt)}</td></tr>`,
      )}</tbody></table></div>`
}
<h2>Metadata</h2>
${metadataBlock(customer.metadata)}`,
    });
  });
}
