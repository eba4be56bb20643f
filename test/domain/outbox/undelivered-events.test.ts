// Every event is recorded in its change's transaction (support loop §6.1); one that nothing would deliver (no
// enabled endpoint of the organization takes its type, and its type never e-mails) is recorded already dispatched,
// so the worker neither wakes for it nor writes it again. A new ticket's event carries the ticket and its
// conversation exactly as /api/v1 shows them, though it is built from what was just written.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { Webhook } from 'standardwebhooks';
import { createCategory } from '../../../src/domain/categories/service.js';
import { describeEachDialect, type Harness } from '../../support/harness.js';
import { until } from '../../support/until.js';
import { receiverForSuite } from '../../support/webhook-receiver.js';

async function eventsOf(h: Harness, organizationId: string) {
  return h.database.db
    .selectFrom('outbox_events')
    .select(['id', 'type', 'payload', 'created_at', 'dispatched_at'])
    .where('organization_id', '=', organizationId)
    .orderBy('created_at')
    .execute();
}

async function deliveryCount(h: Harness, organizationId: string) {
  const rows = await h.database.db.selectFrom('deliveries').select('id').where('organization_id', '=', organizationId).execute();
  return rows.length;
}

describeEachDialect(
  'events nothing would deliver',
  (h) => {
    const receiver = receiverForSuite();

    async function openTicket(apiKey: string, title: string) {
      const created = await h.extPost('/ticket/createTicket', apiKey, {
        title,
        customerEmail: 'robin@example.com',
        messages: [
          { role: 'customer', content: 'The heater is cold' },
          { role: 'agent', content: 'Looking into it' },
        ],
      });
      assert.equal(created.statusCode, 200, created.body);
      return created.json().ticketId as string;
    }

    it('records them dispatched, with no delivery, until an enabled endpoint takes their type', async () => {
      const { organizationId, apiKey } = await h.newOrg();
      const headers = { 'x-api-key': apiKey };
      await openTicket(apiKey, 'No endpoint');
      const onlyAlerts = await h.request({ method: 'POST', url: '/api/v1/webhooks', headers, body: { url: `${receiver.url}/alerts`, events: ['alert.acknowledged'] } });
      assert.equal(onlyAlerts.statusCode, 201, onlyAlerts.body);
      await openTicket(apiKey, 'Endpoint for alerts only');
      const disabled = await h.request({ method: 'POST', url: '/api/v1/webhooks', headers, body: { url: `${receiver.url}/disabled`, events: ['ticket.created'] } });
      assert.equal(disabled.statusCode, 201, disabled.body);
      const off = await h.request({ method: 'PATCH', url: `/api/v1/webhooks/${disabled.json().id}`, headers, body: { enabled: false } });
      assert.equal(off.statusCode, 200, off.body);
      await openTicket(apiKey, 'Endpoint for tickets, disabled');
      const unsubscribed = await eventsOf(h, organizationId);
      assert.deepEqual(
        unsubscribed.map((e) => [e.type, e.dispatched_at === e.created_at]),
        [
          ['ticket.created', true],
          ['ticket.created', true],
          ['ticket.created', true],
        ],
      );
      assert.equal(await deliveryCount(h, organizationId), 0);

      const tickets = await h.request({ method: 'POST', url: '/api/v1/webhooks', headers, body: { url: `${receiver.url}/tickets`, events: ['ticket.created'] } });
      assert.equal(tickets.statusCode, 201, tickets.body);
      const ticketId = await openTicket(apiKey, 'Endpoint for tickets');
      const event = (await eventsOf(h, organizationId)).find((e) => (JSON.parse(e.payload) as { id: string }).id === ticketId);
      assert.equal(event?.type, 'ticket.created');
      await until(() => receiver.byId(event!.id).length === 1, 'ticket.created not delivered');
      const delivered = new Webhook(tickets.json().secret as string).verify(receiver.byId(event!.id)[0]!.body, receiver.byId(event!.id)[0]!.headers as Record<string, string>) as {
        type: string;
        data: Record<string, unknown>;
      };
      assert.equal(delivered.type, 'ticket.created');

      // The event's ticket is the one /api/v1 shows (which adds its alert and owners), conversation included.
      const shown = await h.request({ method: 'GET', url: `/api/v1/tickets/${ticketId}`, headers });
      assert.equal(shown.statusCode, 200, shown.body);
      const { alertId: _alertId, owners: _owners, ...ticket } = shown.json() as Record<string, unknown>;
      assert.deepEqual(delivered.data, ticket);
      assert.equal((delivered.data.messages as unknown[]).length, 2);
      assert.deepEqual(receiver.received.filter((r) => r.path === '/alerts' || r.path === '/disabled'), []);

      // A ticket naming its customer by id, a device and a category, and one the classifier files: each event's
      // customer, device and category are those the ticket's page shows.
      const customer = await h.extPost('/customer/createOrUpdateCustomer', apiKey, { email: 'kim@example.com', name: 'Kim Park' });
      assert.equal(customer.statusCode, 200, customer.body);
      const device = await h.extPost('/device', apiKey, { identifier: 'HEAT-0042', type: 'heater' });
      assert.equal(device.statusCode, 200, device.body);
      await createCategory(h.ctx, organizationId, { name: 'Heating', keywords: ['radiator'] });
      const secret = tickets.json().secret as string;
      for (const body of [
        { title: 'By id', customerId: customer.json().telemetronCustomerId, deviceIdentifier: 'HEAT-0042', category: 'heating' },
        { title: 'The radiator is off', customerEmail: 'new.customer@example.com' },
      ]) {
        const created = await h.extPost('/ticket/createTicket', apiKey, body);
        assert.equal(created.statusCode, 200, created.body);
        const id = created.json().ticketId as string;
        const recorded = (await eventsOf(h, organizationId)).find((e) => (JSON.parse(e.payload) as { id: string }).id === id)!;
        await until(() => receiver.byId(recorded.id).length === 1, `ticket.created of ${body.title} not delivered`);
        const [request] = receiver.byId(recorded.id);
        const { data } = new Webhook(secret).verify(request!.body, request!.headers as Record<string, string>) as { data: Record<string, unknown> };
        const page = await h.request({ method: 'GET', url: `/api/v1/tickets/${id}`, headers });
        const { alertId: _a, owners: _o, ...onPage } = page.json() as Record<string, unknown>;
        assert.deepEqual(data, onPage);
        assert.equal(data.category, 'Heating');
      }
    });

    it('wakes the worker for a test event, which is recorded dispatched with its one delivery', async () => {
      const { organizationId, apiKey } = await h.newOrg();
      const headers = { 'x-api-key': apiKey };
      const made = await h.request({ method: 'POST', url: '/api/v1/webhooks', headers, body: { url: `${receiver.url}/test`, events: ['alert.opened'] } });
      assert.equal(made.statusCode, 201, made.body);
      const queued = await h.request({ method: 'POST', url: `/api/v1/webhooks/${made.json().id}/test`, headers });
      assert.equal(queued.statusCode, 202, queued.body);
      const { eventId } = queued.json() as { eventId: string };
      await until(() => receiver.byId(eventId).length === 1, 'test event not delivered');
      const [event] = await eventsOf(h, organizationId);
      assert.equal(event!.dispatched_at, event!.created_at);
      assert.equal(await deliveryCount(h, organizationId), 1);
    });
  },
  {
    env: { TELEMAP_WEBHOOK_ALLOW_PRIVATE: 'true' },
    // Polls far apart, so a delivery within the test's wait comes from the wake after the commit.
    outbox: { pollIntervalMs: 60_000 },
  },
);
