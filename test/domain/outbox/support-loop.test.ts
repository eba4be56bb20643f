// The support loop end to end: readings break a rule that opens a ticket and notifies owners; the alert and its
// ticket reach a Standard Webhooks endpoint and a Slack endpoint, and each owner gets one e-mail from a real SMTP
// server on loopback; acknowledging and clearing the alert are announced too (support loop §5, §6).
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { Webhook } from 'standardwebhooks';
import { describeEachDialect } from '../../support/harness.js';
import { decoded, startMailReceiver } from '../../support/mail-receiver.js';
import { until } from '../../support/until.js';
import { receiverForSuite } from '../../support/webhook-receiver.js';
import { createRule, deviceWithOwners, overheating, send, type Json } from '../rules/support.js';

const smtp = await startMailReceiver();

describeEachDialect(
  'support loop notifications',
  (h) => {
    const receiver = receiverForSuite();

    it('announces an opened alert by webhook, Slack and one e-mail per owner, then its acknowledgement and clearing', async () => {
      const fleet = await deviceWithOwners(h, 2);
      const key = { 'x-api-key': fleet.org.apiKey };
      const standard = await h.request({ method: 'POST', url: '/api/v1/webhooks', headers: key, body: { url: `${receiver.url}/std` } });
      assert.equal(standard.statusCode, 201);
      const { secret } = standard.json();
      const slack = await h.request({
        method: 'POST',
        url: '/api/v1/webhooks',
        headers: key,
        body: { url: `${receiver.url}/slack`, format: 'slack', events: ['alert.opened'] },
      });
      assert.equal(slack.statusCode, 201);
      const rule = await createRule(h, fleet.org, overheating({ notifyOwners: true }));

      const now = Date.now();
      await send(h, fleet, [now - 1000, { temperature: 75.5 }]);

      const verified = () =>
        receiver.received
          .filter((r) => r.path === '/std')
          .map((r) => new Webhook(secret).verify(r.body, r.headers as Record<string, string>) as { type: string; data: Json });
      await until(() => verified().some((e) => e.type === 'alert.opened'), 'alert.opened not delivered', 10_000);
      const opened = verified().find((e) => e.type === 'alert.opened')!.data;
      assert.equal(opened.ruleId, rule.id);
      assert.equal(opened.ruleName, 'Overheating');
      assert.equal(opened.deviceIdentifier, fleet.identifier);
      assert.equal(opened.severity, 'critical');
      assert.deepEqual(opened.owners.map((o: Json) => o.email).sort(), fleet.owners.map((o) => o.email).sort());
      assert.equal(typeof opened.diagnosis.summary, 'string');
      assert.equal(typeof opened.ticketId, 'string');
      await until(() => verified().some((e) => e.type === 'ticket.created' && e.data.id === opened.ticketId), 'ticket.created not delivered', 10_000);

      await until(() => receiver.received.some((r) => r.path === '/slack'), 'Slack message not delivered', 10_000);
      const slackText = JSON.parse(receiver.received.find((r) => r.path === '/slack')!.body).text as string;
      for (const part of ['Overheating', fleet.identifier, fleet.owners[0]!.email, 'CRITICAL', `/alerts/${opened.id}`]) assert.ok(slackText.includes(part), part);

      const forDevice = () => smtp.received.filter((m) => decoded(m.raw).includes(fleet.identifier));
      await until(() => forDevice().length === 2, 'owner e-mails not received', 10_000);
      assert.deepEqual(forDevice().map((m) => m.to).sort(), fleet.owners.map((o) => [o.email]).sort());
      for (const mail of forDevice()) assert.ok(decoded(mail.raw).includes(opened.ticketId));

      const ack = await h.request({ method: 'POST', url: `/api/v1/alerts/${opened.id}/acknowledge`, headers: key });
      assert.equal(ack.statusCode, 200, ack.body);
      const clear = await h.request({ method: 'POST', url: `/api/v1/alerts/${opened.id}/clear`, headers: key });
      assert.equal(clear.statusCode, 200, clear.body);
      await until(
        () => ['alert.acknowledged', 'alert.cleared'].every((type) => verified().some((e) => e.type === type && e.data.id === opened.id)),
        'acknowledged and cleared not delivered',
        10_000,
      );
      // The Slack endpoint asked for alert.opened only.
      assert.equal(receiver.received.filter((r) => r.path === '/slack').length, 1);
    });
  },
  {
    env: {
      TELEMAP_WEBHOOK_ALLOW_PRIVATE: 'true',
      TELEMAP_SMTP_URL: smtp.url,
      TELEMAP_MAIL_FROM: 'Acme Support <support@acme.example>',
    },
    outbox: { pollIntervalMs: 50 },
  },
);
