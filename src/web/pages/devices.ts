import type { FastifyInstance } from 'fastify';
import { currentOwnersOf, deviceAssignmentHistory, getDevice, countDevices, listDevices, listTickets } from '../../domain/dashboard/queries.js';
import { html, time } from '../html.js';
import { pager, sendPage } from '../layout.js';
import type { WebDeps } from '../plugin.js';
import { notFoundPage, queryOf, requireUser } from '../session.js';
import { idParam, metadataBlock, PAGE_SIZE, pageSearch, statusBadge, withCursorFallback } from './common.js';
import { registerDeviceTelemetryRoutes, telemetryHead, telemetrySection, type RenderDevicePage } from './device-telemetry.js';

export function registerDevicePages(app: FastifyInstance, deps: WebDeps): void {
  const { ctx } = deps;
  const { db } = ctx.database;

  app.get('/devices', { schema: { hide: true } }, async (request, reply) => {
    const user = requireUser(request, reply);
    if (!user) return reply;
    const query = queryOf(request);
    const q = pageSearch(query.q);
    const page = await withCursorFallback(query.cursor, (cursor) => listDevices(db, user.organizationId, { q, cursor, limit: PAGE_SIZE }));
    const total = await countDevices(db, user.organizationId, { q });
    const list =
      page.data.length === 0
        ? q
          ? html`<div class="empty"><h2>No device matches “${q}”</h2><p>Search looks inside identifiers, types and metadata. Try part of a serial number, or <a href="/devices">list all devices</a>.</p></div>`
          : html`<div class="empty"><h2>No devices yet</h2><p>Devices appear when your integration calls <code>POST /api/ext-v1/device</code> or assigns one with <code>autoCreateDevice</code>.</p></div>`
        : html`<div class="table-wrap"><table>
  <caption class="visually-hidden">Devices, newest first</caption>
  <thead><tr><th scope="col">Identifier</th><th scope="col">Type</th><th scope="col" class="hide-narrow">Created</th></tr></thead>
  <tbody>${page.data.map(
    (d) => html`<tr><td><a href="/devices/${d.id}">${d.identifier}</a></td><td>${d.type ?? html`<span class="muted">none</span>`}</td><td class="hide-narrow">${time(d.createdAt)}</td></tr>`,
  )}</tbody></table></div>`;
    return sendPage(reply, {
      title: 'Devices',
      user,
      section: 'devices',
      body: html`<h1>Devices</h1>
<form method="get" action="/devices" class="filters" role="search" aria-label="Search devices">
  <div class="field"><label for="q">Search by identifier, type or metadata</label><input type="search" id="q" name="q" maxlength="200" value="${q ?? ''}"></div>
  <button type="submit">Search</button>
  ${q ? html`<a href="/devices">Clear search</a>` : ''}
</form>
<p class="count" role="status">${total === 1 ? '1 device matches' : `${total} devices match`}</p>
${list}
${pager('/devices', { q }, Boolean(query.cursor), page.nextCursor, page.prevCursor)}`,
    });
  });

  const renderDevicePage: RenderDevicePage = async (request, reply, user, id, extra = {}) => {
    const device = await getDevice(db, user.organizationId, id);
    if (!device) return notFoundPage(reply, user, 'Device', { href: '/devices', label: 'the devices' });
    const [owners, history, tickets, telemetry] = await Promise.all([
      currentOwnersOf(db, user.organizationId, id),
      deviceAssignmentHistory(db, user.organizationId, id, { limit: 100 }),
      listTickets(db, user.organizationId, { deviceId: id, limit: 20 }),
      telemetrySection(ctx, request, user, id, extra.issued),
    ]);
    return sendPage(reply, {
      title: device.identifier,
      user,
      section: 'devices',
      notice: extra.notice,
      head: telemetryHead(),
      body: html`<p><a href="/devices">« Devices</a></p>
<h1>${device.identifier}</h1>
<div class="cards">
  <section class="card" aria-labelledby="device-h">
    <h2 id="device-h">Device</h2>
    <dl class="fields">
      <dt>Type</dt><dd>${device.type ?? html`<span class="muted">none</span>`}</dd>
      <dt>Created</dt><dd>${time(device.createdAt)}</dd>
      <dt>Updated</dt><dd>${time(device.updatedAt)}</dd>
    </dl>
  </section>
  <section class="card" aria-labelledby="owners-h">
    <h2 id="owners-h">Owners</h2>
    ${
      owners.length === 0
        ? html`<p class="muted">Nobody owns this device now.</p>`
        : html`<ul>${owners.map((o) => html`<li><a href="/customers/${o.customerId}">${o.customerName}</a> <span class="muted">${o.customerEmail}</span></li>`)}</ul>`
    }
  </section>
</div>
${telemetry}
<h2 id="history-h">Assignment history</h2>
${
  history.data.length === 0
    ? html`<p class="muted">This device has never been assigned to a customer.</p>`
    : html`<div class="table-wrap"><table aria-labelledby="history-h"><thead><tr><th scope="col">Owner</th><th scope="col">From</th><th scope="col">Until</th></tr></thead>
<tbody>${history.data.map(
        (a) => html`<tr><td><a href="/customers/${a.customerId}">${a.customerName}</a><br><span class="muted">${a.customerEmail}</span></td><td>${time(a.assignedAt)}</td><td>${a.unassignedAt ? time(a.unassignedAt) : html`<strong>current owner</strong>`}</td></tr>`,
      )}</tbody></table></div>`
}
${tickets.data.length > 0 ? html`<h2>Tickets</h2><ul>${tickets.data.map((t) => html`<li><a href="/tickets/${t.id}">${t.title}</a> ${statusBadge(t.status)}</li>`)}</ul>` : ''}
<h2>Metadata</h2>
${metadataBlock(device.metadata)}`,
    });
  };

  app.get('/devices/:id', { schema: { hide: true } }, async (request, reply) => {
    const user = requireUser(request, reply);
    if (!user) return reply;
    const id = idParam(request.params);
    if (!id) return notFoundPage(reply, user, 'Device', { href: '/devices', label: 'the devices' });
    return renderDevicePage(request, reply, user, id);
  });

  registerDeviceTelemetryRoutes(app, deps, renderDevicePage);
}
