// Webhook delivery to real HTTP receivers on loopback (TELEMAP_WEBHOOK_ALLOW_PRIVATE=true): Standard Webhooks
// signatures, retries under the same webhook-id, Retry-After, 410, redirects, Slack, and the events that tickets
// emit through every surface (support loop §6.1, §6.2).
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { Webhook } from 'standardwebhooks';
import { inTransaction } from '../../../src/db/transaction.js';
import { recordEvent } from '../../../src/domain/outbox/events.js';
import { browserAs } from '../../support/dashboard.js';
import { describeEachDialect } from '../../support/harness.js';
import { until } from '../../support/until.js';
import { apiV1Org, createWebhook, type ApiV1Org } from '../../support/webhook-api.js';
import { receiverForSuite } from '../../support/webhook-receiver.js';

const HOUR = 3600_000;
const RETRY_MS = 200;

async function deliveries(o: ApiV1Org, id: string) {
  return (await o.call('GET', `/webhooks/${id}/deliveries`)).json().data as Array<Record<string, unknown>>;
}

describeEachDialect(
  'webhook delivery',
  (h) => {
    const receiver = receiverForSuite();

    it('delivers a signed Standard Webhooks request that the standardwebhooks library verifies', async () => {
      const o = await apiV1Org(h);
      const made = await createWebhook(o, `${receiver.url}/standard`);
      const queued = (await o.call('POST', `/webhooks/${made.id}/test`)).json();
      await until(() => receiver.byId(queued.eventId).length === 1, 'test event not received');
      const [request] = receiver.byId(queued.eventId);
      assert.equal(request!.path, '/standard');
      assert.equal(request!.headers['content-type'], 'application/json');
      const verified = new Webhook(made.secret).verify(request!.body, request!.headers as Record<string, string>) as Record<string, unknown>;
      assert.equal(verified.type, 'webhook.test');
      assert.equal(typeof verified.timestamp, 'string');
      assert.deepEqual((verified.data as { webhookId: string }).webhookId, made.id);
      assert.match(String(request!.headers['webhook-timestamp']), /^\d+$/);
      assert.throws(() => new Webhook(`whsec_${Buffer.alloc(32, 1).toString('base64')}`).verify(request!.body, request!.headers as Record<string, string>));
      await until(async () => (await deliveries(o, made.id))[0]?.status === 'delivered', 'not marked delivered');
      const [delivery] = await deliveries(o, made.id);
      assert.equal(delivery!.responseStatus, 200);
      assert.equal(delivery!.attempt, 1);
      assert.equal(delivery!.nextAttemptAt, null);
    });

    it('retries after a 500 with the same webhook-id, then marks it delivered', async () => {
      const o = await apiV1Org(h);
      const made = await createWebhook(o, `${receiver.url}/flaky`);
      let calls = 0;
      receiver.answer = (r) => (r.path === '/flaky' && calls++ === 0 ? { status: 500 } : { status: 200 });
      const { eventId } = (await o.call('POST', `/webhooks/${made.id}/test`)).json();
      await until(() => receiver.byId(eventId).length === 2, 'no retry after 500');
      const [first, second] = receiver.byId(eventId);
      assert.equal(first!.headers['webhook-id'], second!.headers['webhook-id']);
      assert.equal(first!.body, second!.body);
      new Webhook(made.secret).verify(second!.body, second!.headers as Record<string, string>);
      await until(async () => (await deliveries(o, made.id))[0]?.status === 'delivered', 'not delivered on retry');
      const [delivery] = await deliveries(o, made.id);
      assert.equal(delivery!.attempt, 2);
      receiver.answer = () => ({ status: 200 });
    });

    it('retries after no answer within the timeout, with the same webhook-id', async () => {
      const o = await apiV1Org(h);
      const made = await createWebhook(o, `${receiver.url}/slow`);
      let calls = 0;
      receiver.answer = (r) => (r.path === '/slow' && calls++ === 0 ? 'hang' : { status: 204 });
      const { eventId } = (await o.call('POST', `/webhooks/${made.id}/test`)).json();
      await until(() => receiver.byId(eventId).length === 2, 'no retry after a timeout', 10_000);
      await until(async () => (await deliveries(o, made.id))[0]?.status === 'delivered', 'not delivered after timeout');
      receiver.answer = () => ({ status: 200 });
    });

    it('honours Retry-After: the next attempt waits at least as long as asked', async () => {
      const o = await apiV1Org(h);
      const made = await createWebhook(o, `${receiver.url}/busy`);
      let calls = 0;
      receiver.answer = (r) => (r.path === '/busy' && calls++ === 0 ? { status: 503, headers: { 'retry-after': '2' } } : { status: 200 });
      const { eventId } = (await o.call('POST', `/webhooks/${made.id}/test`)).json();
      await until(async () => (await deliveries(o, made.id))[0]?.responseStatus === 503, 'first attempt not recorded');
      const [pending] = await deliveries(o, made.id);
      assert.equal(pending!.status, 'pending');
      const first = receiver.byId(eventId)[0]!;
      assert.ok(Date.parse(String(pending!.nextAttemptAt)) - first.at >= 1500, `next attempt ${String(pending!.nextAttemptAt)} too soon`);
      await until(() => receiver.byId(eventId).length === 2, 'no retry after Retry-After', 10_000);
      assert.ok(receiver.byId(eventId)[1]!.at - first.at >= 1900);
      receiver.answer = () => ({ status: 200 });
    });

    it('disables the endpoint at once on 410 Gone, and says why', async () => {
      const o = await apiV1Org(h);
      const made = await createWebhook(o, `${receiver.url}/gone`);
      receiver.answer = (r) => (r.path === '/gone' ? { status: 410 } : { status: 200 });
      await o.call('POST', `/webhooks/${made.id}/test`);
      await until(async () => (await o.call('GET', `/webhooks/${made.id}`)).json().enabled === false, 'not disabled on 410');
      const shown = (await o.call('GET', `/webhooks/${made.id}`)).json();
      assert.match(shown.disabledReason, /410/);
      const [delivery] = await deliveries(o, made.id);
      assert.equal(delivery!.status, 'failed');
      assert.equal(delivery!.responseStatus, 410);
      const enabled = (await o.call('PATCH', `/webhooks/${made.id}`, { enabled: true })).json();
      assert.equal(enabled.enabled, true);
      assert.equal(enabled.disabledReason, null);
      receiver.answer = () => ({ status: 200 });
    });

    it('never follows a redirect: a 3xx is a failed attempt', async () => {
      const o = await apiV1Org(h);
      const made = await createWebhook(o, `${receiver.url}/moved`);
      receiver.answer = (r) => (r.path === '/moved' ? { status: 302, headers: { location: `${receiver.url}/elsewhere` } } : { status: 200 });
      const { eventId } = (await o.call('POST', `/webhooks/${made.id}/test`)).json();
      await until(async () => (await deliveries(o, made.id))[0]?.responseStatus === 302, 'redirect not recorded');
      const [delivery] = await deliveries(o, made.id);
      assert.equal(delivery!.status, 'pending');
      assert.match(String(delivery!.error), /302/);
      assert.equal(receiver.received.filter((r) => r.path === '/elsewhere').length, 0);
      assert.ok(receiver.byId(eventId).every((r) => r.path === '/moved'));
      await o.call('DELETE', `/webhooks/${made.id}`);
      receiver.answer = () => ({ status: 200 });
    });

    it('gives up 3 days after the first attempt, and disables an endpoint failing for 5 days', async () => {
      const o = await apiV1Org(h);
      const made = await createWebhook(o, `${receiver.url}/down`);
      receiver.answer = (r) => (r.path === '/down' ? { status: 500 } : { status: 200 });
      try {
        const { eventId } = (await o.call('POST', `/webhooks/${made.id}/test`)).json();
        await until(() => receiver.byId(eventId).length >= 1, 'first attempt not made');
        // Its failure recorded before the clock moves: the endpoint's failure streak starts there.
        await until(async () => (await deliveries(o, made.id))[0]?.responseStatus === 500, 'first failure not recorded');
        h.clock.advance(73 * HOUR);
        await until(async () => (await deliveries(o, made.id))[0]?.status === 'failed', 'not failed after 3 days', 10_000);
        assert.match(String((await deliveries(o, made.id))[0]!.error), /no more retries/);
        assert.equal((await o.call('GET', `/webhooks/${made.id}`)).json().enabled, true);
        h.clock.advance(48 * HOUR);
        await o.call('POST', `/webhooks/${made.id}/test`);
        await until(async () => (await o.call('GET', `/webhooks/${made.id}`)).json().enabled === false, 'not disabled after 5 days failing');
        assert.match((await o.call('GET', `/webhooks/${made.id}`)).json().disabledReason, /5 days/);
      } finally {
        h.clock.reset();
        receiver.answer = () => ({ status: 200 });
      }
    });

    it('resolves the name once and connects to the vetted address (a name no DNS knows reaches the receiver)', async () => {
      const o = await apiV1Org(h);
      const made = await createWebhook(o, `http://receiver.telemap.test:${receiver.port}/named`);
      const { eventId } = (await o.call('POST', `/webhooks/${made.id}/test`)).json();
      await until(() => receiver.byId(eventId).length === 1, 'named endpoint not reached');
      assert.equal(receiver.byId(eventId)[0]!.headers.host, `receiver.telemap.test:${receiver.port}`);
    });

    it('sends ticket events from ext-v1 createTicket, /api/v1 replies and status changes, and the dashboard', async () => {
      const o = await apiV1Org(h);
      const made = await createWebhook(o, `${receiver.url}/tickets`, { events: ['ticket.created', 'ticket.status_changed', 'ticket.message_added'] });
      const created = await h.extPost('/ticket/createTicket', o.apiKey, { title: 'Heater is cold', customerEmail: 'pat@example.com', description: 'No heat' });
      assert.equal(created.statusCode, 200, created.body);
      const ticketId = created.json().ticketId as string;
      assert.equal((await o.call('POST', `/tickets/${ticketId}/replies`, { content: 'We are on it' })).statusCode, 201);
      assert.equal((await o.call('POST', `/tickets/${ticketId}/status`, { status: 'in_progress' })).statusCode, 200);
      const agent = await browserAs(h, o.organizationId, 'agent');
      assert.equal((await agent.post(`/tickets/${ticketId}/replies`, { content: 'From the dashboard' })).statusCode, 303);
      assert.equal((await agent.post(`/tickets/${ticketId}/status`, { status: 'resolved' })).statusCode, 303);

      const forTicket = () =>
        receiver.received
          .filter((r) => r.path === '/tickets')
          .map((r) => new Webhook(made.secret).verify(r.body, r.headers as Record<string, string>) as { type: string; data: Record<string, unknown> })
          .filter((e) => e.data.id === ticketId);
      await until(() => forTicket().length === 5, `ticket events missing: ${JSON.stringify(forTicket().map((e) => e.type))}`);
      const events = forTicket();
      assert.deepEqual(events.map((e) => e.type).sort(), [
        'ticket.created',
        'ticket.message_added',
        'ticket.message_added',
        'ticket.status_changed',
        'ticket.status_changed',
      ]);
      const createdEvent = events.find((e) => e.type === 'ticket.created')!;
      assert.equal(createdEvent.data.title, 'Heater is cold');
      assert.ok(Array.isArray(createdEvent.data.messages));
      const statuses = events.filter((e) => e.type === 'ticket.status_changed').map((e) => [e.data.previousStatus, e.data.status]);
      assert.deepEqual(statuses.sort(), [
        ['in_progress', 'resolved'],
        ['open', 'in_progress'],
      ]);
    });

    it('sends only the event types an endpoint asked for, and nothing for another organization', async () => {
      const a = await apiV1Org(h);
      const b = await apiV1Org(h);
      const onlyAlerts = await createWebhook(a, `${receiver.url}/only-alerts`, { events: ['alert.opened'] });
      const everything = await createWebhook(b, `${receiver.url}/other-org`);
      const created = await h.extPost('/ticket/createTicket', a.apiKey, { title: 'Noise', customerEmail: 'x@example.com', description: 'x' });
      assert.equal(created.statusCode, 200);
      await inTransaction(h.database, (trx) =>
        recordEvent(trx, { organizationId: a.organizationId, type: 'alert.opened', data: { id: 'alert-1', ruleId: 'r' }, createdAt: new Date().toISOString() }),
      );
      await until(() => receiver.received.some((r) => r.path === '/only-alerts'), 'alert not delivered');
      await until(async () => (await deliveries(a, onlyAlerts.id)).every((d) => d.status === 'delivered'), 'alert delivery not recorded');
      assert.deepEqual(
        receiver.received.filter((r) => r.path === '/only-alerts').map((r) => JSON.parse(r.body).type),
        ['alert.opened'],
      );
      assert.equal(receiver.received.filter((r) => r.path === '/other-org').length, 0);
      assert.deepEqual(await deliveries(b, everything.id), []);
    });

    it('sends Slack messages naming the rule, device, owners and severity, with a link to the alert, one per second', async () => {
      const o = await apiV1Org(h);
      await createWebhook(o, `${receiver.url}/slack`, { format: 'slack' });
      const alert = {
        id: 'a1b2',
        ruleId: 'r1',
        ruleName: 'Overheating',
        deviceIdentifier: 'SN-42',
        deviceType: 'thermostat',
        severity: 'critical',
        owners: [{ customerId: 'c1', email: 'jane@example.com', name: 'Jane' }],
        ticketId: null,
        diagnosis: { summary: 'temperature 75.5 > 70 for 10 min', source: 'rules' },
      };
      await inTransaction(h.database, async (trx) => {
        for (let i = 0; i < 3; i++) {
          await recordEvent(trx, { organizationId: o.organizationId, type: 'alert.opened', data: { ...alert, id: `a${i}` }, createdAt: new Date().toISOString() });
        }
      });
      await until(() => receiver.received.filter((r) => r.path === '/slack').length === 3, 'slack messages missing', 10_000);
      const slack = receiver.received.filter((r) => r.path === '/slack');
      const message = JSON.parse(slack[0]!.body) as { text: string; blocks: Array<{ text?: { text: string } }> };
      for (const part of ['Overheating', 'SN-42', 'Jane', 'jane@example.com', 'CRITICAL', '/alerts/a']) assert.ok(message.text.includes(part), part);
      assert.ok(Array.isArray(message.blocks) && message.blocks.length > 0);
      const blockText = message.blocks.map((b) => b.text?.text ?? '').join('\n');
      assert.match(blockText, /Overheating/);
      assert.match(blockText, /https:\/\/telemap\.example\.com\/alerts\/a\d\|/);
      // Paced: consecutive messages at least a second apart (lower bounds only).
      assert.ok(slack[1]!.at - slack[0]!.at >= 900, `${slack[1]!.at - slack[0]!.at} ms apart`);
      assert.ok(slack[2]!.at - slack[1]!.at >= 900);
    });
  },
  {
    env: { TELEMAP_WEBHOOK_ALLOW_PRIVATE: 'true', TELEMAP_PUBLIC_URL: 'https://telemap.example.com' },
    outbox: {
      requestTimeoutMs: 500,
      retryPolicy: { delaysMs: [RETRY_MS], giveUpAfterMs: 72 * HOUR, maxRetryAfterMs: 24 * HOUR },
      pollIntervalMs: 50,
      resolve: async (hostname) => (hostname === 'receiver.telemap.test' ? [{ address: '127.0.0.1', family: 4 }] : []),
    },
  },
);
