// E-mail to owners through the outbox (support loop §6.3), received by a real SMTP server on loopback.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { it } from 'node:test';
import { inTransaction } from '../../../src/db/transaction.js';
import { recordEvent } from '../../../src/domain/outbox/events.js';
import { describeEachDialect, type Harness } from '../../support/harness.js';
import { decoded, startMailReceiver } from '../../support/mail-receiver.js';
import { until } from '../../support/until.js';

const smtp = await startMailReceiver();

async function ruleFor(h: Harness, organizationId: string, notifyOwners: boolean): Promise<string> {
  const id = randomUUID();
  const now = new Date().toISOString();
  await h.database.db
    .insertInto('rules')
    .values({
      id,
      organization_id: organizationId,
      name: 'Overheating',
      device_type: 'thermostat',
      severity: 'critical',
      condition: JSON.stringify({ kind: 'threshold', key: 'temperature', op: '>', value: 70 }),
      clear: null,
      create_ticket: 1,
      ticket_priority: 'urgent',
      notify_owners: notifyOwners ? 1 : 0,
      enabled: 1,
      created_at: now,
      updated_at: now,
    })
    .execute();
  return id;
}

function alertOpened(h: Harness, organizationId: string, ruleId: string, owners: Array<{ email: string; name: string }>, deviceIdentifier: string) {
  const data = {
    id: randomUUID(),
    ruleId,
    ruleName: 'Overheating',
    kind: 'threshold',
    deviceId: randomUUID(),
    deviceIdentifier,
    deviceType: 'thermostat',
    severity: 'critical',
    status: 'open',
    openedAt: new Date().toISOString(),
    owners: owners.map((o) => ({ customerId: randomUUID(), ...o })),
    ticketId: 'TICKET-REF-1234',
    diagnosis: { summary: 'temperature 75.5 > 70 for 10 min', details: '', source: 'rules' },
  };
  return inTransaction(h.database, (trx) => recordEvent(trx, { organizationId, type: 'alert.opened', data, createdAt: new Date().toISOString() }));
}

describeEachDialect(
  'e-mail to owners',
  (h) => {
    it('sends one message per owner, to that owner only, in text and HTML, with the device and ticket reference', async () => {
      const { organizationId } = await h.newOrg('Acme Heating');
      const ruleId = await ruleFor(h, organizationId, true);
      const device = `SN-${randomUUID().slice(0, 8)}`;
      await alertOpened(
        h,
        organizationId,
        ruleId,
        [
          { email: 'jane@example.com', name: 'Jane' },
          { email: 'joe@example.com', name: 'Joe' },
        ],
        device,
      );
      const forDevice = () => smtp.received.filter((m) => decoded(m.raw).includes(device));
      await until(() => forDevice().length === 2, 'owner e-mails not received', 10_000);
      const mails = forDevice();
      assert.deepEqual(mails.map((m) => m.to).sort(), [['jane@example.com'], ['joe@example.com']]);
      for (const mail of mails) {
        assert.equal(mail.from, 'support@acme.example');
        const text = decoded(mail.raw);
        const other = mail.to[0] === 'jane@example.com' ? 'joe@example.com' : 'jane@example.com';
        assert.ok(!text.includes(other), 'an owner sees another owner');
        assert.match(text, /^To: (jane|joe)@example\.com\r?$/m);
        assert.match(text, /text\/plain/);
        assert.match(text, /text\/html/);
        assert.match(text, /thermostat/);
        assert.match(text, /temperature 75\.5 > 70 for 10 min/);
        assert.match(text, /TICKET-REF-1234/);
        assert.match(text, /What to do/);
        assert.match(text, /Acme Heating/);
      }
      assert.match(decoded(mails.find((m) => m.to[0] === 'jane@example.com')!.raw), /Hello Jane/);
    });

    it('sends nothing for a rule that does not notify owners', async () => {
      const { organizationId } = await h.newOrg();
      const quiet = await ruleFor(h, organizationId, false);
      const loud = await ruleFor(h, organizationId, true);
      const quietDevice = `SN-${randomUUID().slice(0, 8)}`;
      const loudDevice = `SN-${randomUUID().slice(0, 8)}`;
      await alertOpened(h, organizationId, quiet, [{ email: 'quiet@example.com', name: 'Q' }], quietDevice);
      await alertOpened(h, organizationId, loud, [{ email: 'loud@example.com', name: 'L' }], loudDevice);
      await until(() => smtp.received.some((m) => decoded(m.raw).includes(loudDevice)), 'the notifying rule sent nothing', 10_000);
      // Both events are fanned out in order, so once the later one is mailed the earlier one was considered.
      const rows = await h.database.db.selectFrom('deliveries').select('target').where('organization_id', '=', organizationId).execute();
      assert.deepEqual(rows.map((r) => r.target), ['mailto:loud@example.com']);
      assert.ok(!smtp.received.some((m) => decoded(m.raw).includes(quietDevice)));
    });

    it('retries a message the SMTP server refuses for now', async () => {
      const { organizationId } = await h.newOrg();
      const ruleId = await ruleFor(h, organizationId, true);
      const device = `SN-${randomUUID().slice(0, 8)}`;
      smtp.refuseNext = 1;
      await alertOpened(h, organizationId, ruleId, [{ email: 'later@example.com', name: 'Later' }], device);
      await until(() => smtp.received.some((m) => decoded(m.raw).includes(device)), 'not retried', 10_000);
      const row = await h.database.db.selectFrom('deliveries').selectAll().where('organization_id', '=', organizationId).executeTakeFirstOrThrow();
      await until(async () => (await h.database.db.selectFrom('deliveries').select('status').where('id', '=', row.id).executeTakeFirstOrThrow()).status === 'delivered', 'not marked delivered');
      const done = await h.database.db.selectFrom('deliveries').selectAll().where('id', '=', row.id).executeTakeFirstOrThrow();
      assert.equal(done.attempt, 2);
      assert.equal(done.channel, 'email');
    });
  },
  {
    env: { TELEMAP_SMTP_URL: smtp.url, TELEMAP_MAIL_FROM: 'Acme Support <support@acme.example>' },
    outbox: { pollIntervalMs: 50, retryPolicy: { delaysMs: [200], giveUpAfterMs: 3600_000, maxRetryAfterMs: 3600_000 } },
  },
);
