// The loop through HTTP: readings in (POST /api/v1/telemetry/batch), rules judging them, alerts with owners,
// diagnosis and a proactive ticket, and the way alerts clear.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { sweepDueRules } from '../../../src/domain/rules/sweep.js';
import { describeEachDialect } from '../../support/harness.js';
import { assertError, issueToken, postTelemetry } from '../telemetry/support.js';
import {
  alertsOf,
  alertsOfDevice,
  assignOwner,
  createRule,
  deviceWithOwners,
  eventsOf,
  getJson,
  now,
  overheating,
  send,
  unassignOwner,
  type Json,
} from './support.js';
import { uniqueEmail } from '../../support/dashboard.js';

describeEachDialect('alerts', (h) => {
  it('opens one alert and one ticket for the owners, counts repeats, and clears on the first reading below', async () => {
    const fleet = await deviceWithOwners(h, 2);
    const rule = await createRule(h, fleet.org, overheating());
    const t = now(h);
    await send(h, fleet, [t - 3000, { temperature: 60 }], [t - 2000, { temperature: 75.5 }]);
    const [alert, ...more] = await alertsOfDevice(h, fleet);
    assert.equal(more.length, 0);
    assert.deepEqual(Object.keys(alert!).sort(), [
      'acknowledgedAt', 'clearedAt', 'deviceId', 'deviceIdentifier', 'deviceType', 'diagnosis', 'id', 'kind', 'lastTriggeredAt',
      'openedAt', 'owners', 'reading', 'ruleId', 'ruleName', 'severity', 'status', 'ticketId', 'triggerCount',
    ]);
    assert.deepEqual(
      { ...alert, id: 0, openedAt: 0, lastTriggeredAt: 0, ticketId: 0, diagnosis: 0 },
      {
        id: 0, ruleId: rule.id, ruleName: 'Overheating', kind: 'threshold', deviceId: fleet.deviceId, deviceIdentifier: fleet.identifier,
        deviceType: 'thermostat', severity: 'critical', status: 'open', openedAt: 0, lastTriggeredAt: 0, triggerCount: 1,
        acknowledgedAt: null, clearedAt: null, reading: { key: 'temperature', value: 75.5, ts: t - 2000 },
        owners: fleet.owners.map((o) => ({ customerId: o.customerId, email: o.email, name: `Owner ${o.email.slice(0, 6)}` })),
        ticketId: 0, diagnosis: 0,
      },
    );
    assert.equal(alert!.diagnosis.source, 'rules');
    assert.match(alert!.diagnosis.summary, /temperature 75\.5 > 70/);
    assert.match(alert!.diagnosis.details, /min 60, max 75\.5, mean 67\.75 over 2 readings/);
    assert.match(alert!.diagnosis.details, /firmware 1\.4\.2, model T-100/);
    assert.match(alert!.diagnosis.details, /Type: thermostat/);
    assert.match(alert!.diagnosis.details, /No other thermostat device has this alert open/);

    const ticket = await getJson(h, fleet.org, `/api/v1/tickets/${alert!.ticketId}`);
    assert.equal(ticket.channel, 'alert');
    assert.equal(ticket.alertId, alert!.id);
    assert.equal(ticket.priority, 'urgent');
    assert.equal(ticket.customerId, fleet.owners[0]!.customerId, 'the owner with the earliest current assignment');
    assert.deepEqual(ticket.owners, alert!.owners);
    assert.equal(ticket.deviceId, fleet.deviceId);
    assert.ok(ticket.title.includes('Overheating') && ticket.title.includes(fleet.identifier), ticket.title);
    assert.equal(ticket.messages.length, 1);
    assert.equal(ticket.messages[0].role, 'bot');
    assert.ok(ticket.messages[0].content.includes(alert!.diagnosis.summary));

    // Repeats: counted, nothing else.
    await send(h, fleet, [t - 1000, { temperature: 80 }], [t, { temperature: 81 }]);
    const repeated = (await alertsOfDevice(h, fleet))[0]!;
    assert.equal(repeated.id, alert!.id);
    assert.equal(repeated.triggerCount, 3);
    assert.equal((await eventsOf(h, fleet.org, 'alert.opened')).length, 1);
    assert.equal((await eventsOf(h, fleet.org, 'ticket.created')).length, 1);
    assert.equal((await getJson(h, fleet.org, `/api/v1/tickets?deviceId=${fleet.deviceId}`)).data.length, 1);

    await send(h, fleet, [t + 1000, { temperature: 69 }]);
    const cleared = await getJson(h, fleet.org, `/api/v1/alerts/${alert!.id}`);
    assert.equal(cleared.status, 'cleared');
    assert.ok(cleared.clearedAt);
    const after = await getJson(h, fleet.org, `/api/v1/tickets/${alert!.ticketId}`);
    assert.equal(after.status, 'open', 'the status stays with the agents');
    assert.equal(after.messages.length, 2);
    assert.equal(after.messages[1].role, 'bot');
    assert.match(after.messages[1].content, /cleared/);

    const opened = await eventsOf(h, fleet.org, 'alert.opened');
    assert.equal(opened[0]!.id, alert!.id);
    assert.equal(opened[0]!.ticketId, alert!.ticketId);
    assert.deepEqual(opened[0]!.owners, alert!.owners);
    const clearedEvents = await eventsOf(h, fleet.org, 'alert.cleared');
    assert.equal(clearedEvents.length, 1);
    assert.equal(clearedEvents[0]!.status, 'cleared');
    assert.equal((await eventsOf(h, fleet.org, 'ticket.message_added')).length, 1);

    // After it cleared, the next trigger opens a new alert (and a new ticket).
    await send(h, fleet, [t + 2000, { temperature: 99 }]);
    const open = await alertsOfDevice(h, fleet, 'open');
    assert.equal(open.length, 1);
    assert.notEqual(open[0]!.id, alert!.id);
  });

  it('keeps the alert open inside the hysteresis band and clears past the clear value', async () => {
    const fleet = await deviceWithOwners(h, 1);
    await createRule(h, fleet.org, overheating({ clear: { op: '<=', value: 65 } }));
    const t = now(h) - 10_000;
    await send(h, fleet, [t, { temperature: 75 }], [t + 1000, { temperature: 68 }], [t + 2000, { temperature: 66 }]);
    assert.equal((await alertsOfDevice(h, fleet, 'open')).length, 1);
    await send(h, fleet, [t + 3000, { temperature: 64 }]);
    assert.equal((await alertsOfDevice(h, fleet, 'open')).length, 0);
    assert.equal((await alertsOfDevice(h, fleet, 'cleared')).length, 1);
  });

  it('opens a forSeconds alert with no further reading (the sweep), and clears after clear.forSeconds', async () => {
    const fleet = await deviceWithOwners(h, 1);
    await createRule(h, fleet.org, overheating({ clear: { op: '<=', value: 65, forSeconds: 300 } }, { forSeconds: 600 }));
    const t = now(h);
    await send(h, fleet, [t - 1000, { temperature: 75.5 }], [t, { temperature: 76 }]);
    assert.equal((await alertsOfDevice(h, fleet)).length, 0);
    h.clock.advance(300_000);
    await sweepDueRules(h.ctx);
    assert.equal((await alertsOfDevice(h, fleet)).length, 0, 'not before forSeconds');
    h.clock.advance(301_000);
    await sweepDueRules(h.ctx);
    const [alert] = await alertsOfDevice(h, fleet, 'open');
    assert.ok(alert, 'opened by the sweep');
    assert.match(alert.diagnosis.summary, /temperature 76 > 70 for 10 min/);
    assert.deepEqual(alert.reading, { key: 'temperature', value: 76, ts: t });

    const c = now(h);
    await send(h, fleet, [c, { temperature: 60 }]);
    assert.equal((await alertsOfDevice(h, fleet, 'open')).length, 1, 'the clear must hold for 5 min');
    h.clock.advance(301_000);
    await sweepDueRules(h.ctx);
    assert.equal((await alertsOfDevice(h, fleet, 'open')).length, 0);
  });

  it('starts the forSeconds window over when a reading breaks it', async () => {
    const fleet = await deviceWithOwners(h, 1);
    await createRule(h, fleet.org, overheating({}, { forSeconds: 60 }));
    const t = now(h);
    await send(h, fleet, [t, { temperature: 80 }], [t + 30_000, { temperature: 50 }]);
    h.clock.advance(120_000);
    await sweepDueRules(h.ctx);
    assert.equal((await alertsOfDevice(h, fleet)).length, 0);
    // Readings an hour apart hold the condition for the window: judged on their timestamps.
    const u = now(h);
    await send(h, fleet, [u - 61_000, { temperature: 80 }], [u, { temperature: 81 }]);
    assert.equal((await alertsOfDevice(h, fleet, 'open')).length, 1);
  });

  it('needs count consecutive readings', async () => {
    const fleet = await deviceWithOwners(h, 1);
    await createRule(h, fleet.org, overheating({}, { count: 3 }));
    const t = now(h) - 100_000;
    await send(h, fleet, [t, { temperature: 80 }], [t + 1, { temperature: 80 }], [t + 2, { temperature: 20 }], [t + 3, { temperature: 80 }], [t + 4, { temperature: 80 }]);
    assert.equal((await alertsOfDevice(h, fleet)).length, 0);
    await send(h, fleet, [t + 5, { temperature: 80 }]);
    const [alert] = await alertsOfDevice(h, fleet, 'open');
    assert.ok(alert);
    assert.match(alert.diagnosis.summary, /on 3 consecutive readings/);
  });

  it('finds anomalies against the device’s own running statistics', async () => {
    const fleet = await deviceWithOwners(h, 1);
    await createRule(h, fleet.org, { name: 'Odd power', condition: { kind: 'anomaly', key: 'power', zScore: 3, minSamples: 10 } });
    const t = now(h) - 100_000;
    const normal = Array.from({ length: 30 }, (_, i) => [t + i, { power: 100 + (i % 5) - 2 }] as [number, Record<string, unknown>]);
    await send(h, fleet, ...normal);
    assert.equal((await alertsOfDevice(h, fleet)).length, 0);
    await send(h, fleet, [t + 100, { power: 140 }]);
    const [alert] = await alertsOfDevice(h, fleet, 'open');
    assert.ok(alert);
    assert.equal(alert.kind, 'anomaly');
    assert.match(alert.diagnosis.summary, /power 140 lies [\d.]+ standard deviations from its mean 100/);
    await send(h, fleet, [t + 101, { power: 101 }]);
    assert.equal((await alertsOfDevice(h, fleet, 'open')).length, 0);
  });

  it('opens an inactivity alert once a device that reported goes quiet, and clears on its next reading', async () => {
    const fleet = await deviceWithOwners(h, 1);
    const quiet = await deviceWithOwners(h, 0, fleet.org);
    const never = await deviceWithOwners(h, 0, fleet.org);
    // This device reported before the rule existed: its silence counts from its last report.
    await send(h, quiet, [now(h), { temperature: 20 }]);
    await createRule(h, fleet.org, { name: 'Silent', deviceType: 'thermostat', condition: { kind: 'inactivity', timeoutSeconds: 60 } });
    await send(h, fleet, [now(h), { temperature: 20 }]);
    h.clock.advance(30_000);
    await send(h, fleet, [now(h), { temperature: 21 }]);
    h.clock.advance(45_000);
    await sweepDueRules(h.ctx);
    assert.equal((await alertsOfDevice(h, fleet)).length, 0, 'the second reading moved the deadline');
    assert.equal((await alertsOfDevice(h, quiet, 'open')).length, 1);
    assert.equal((await alertsOfDevice(h, never)).length, 0, 'a device that never reported is not inactive');
    h.clock.advance(20_000);
    await sweepDueRules(h.ctx);
    const [alert] = await alertsOfDevice(h, fleet, 'open');
    assert.ok(alert);
    assert.equal(alert.reading.key, 'temperature');
    assert.equal(alert.reading.value, 21);
    assert.match(alert.diagnosis.summary, /no reading for 1 min/);
    await sweepDueRules(h.ctx);
    assert.equal((await alertsOfDevice(h, fleet)).length, 1, 'one alert per silence');
    await send(h, fleet, [now(h), { temperature: 22 }]);
    assert.equal((await alertsOfDevice(h, fleet, 'cleared')).length, 1);
  });

  it('never opens an alert on a late reading', async () => {
    const fleet = await deviceWithOwners(h, 1);
    await createRule(h, fleet.org, overheating());
    const t = now(h);
    await send(h, fleet, [t, { temperature: 20 }]);
    await send(h, fleet, [t - 60_000, { temperature: 95 }], [t - 30_000, { temperature: 96 }]);
    assert.equal((await alertsOfDevice(h, fleet)).length, 0);
  });

  it('opens an alert with no ticket for a device nobody owns', async () => {
    const fleet = await deviceWithOwners(h, 0);
    await createRule(h, fleet.org, overheating());
    await send(h, fleet, [now(h), { temperature: 80 }]);
    const [alert] = await alertsOfDevice(h, fleet, 'open');
    assert.ok(alert);
    assert.deepEqual(alert.owners, []);
    assert.equal(alert.ticketId, null);
    assert.equal((await eventsOf(h, fleet.org, 'alert.opened')).length, 1);
    assert.equal((await eventsOf(h, fleet.org, 'ticket.created')).length, 0);
  });

  it('opens no ticket when the rule says not to', async () => {
    const fleet = await deviceWithOwners(h, 1);
    await createRule(h, fleet.org, overheating({ createTicket: false }));
    await send(h, fleet, [now(h), { temperature: 80 }]);
    const [alert] = await alertsOfDevice(h, fleet, 'open');
    assert.equal(alert!.ticketId, null);
    assert.equal(alert!.owners.length, 1);
  });

  it('follows a transfer: the new owner finds the open alert, which keeps its opening owners', async () => {
    const fleet = await deviceWithOwners(h, 1);
    await createRule(h, fleet.org, overheating());
    await send(h, fleet, [now(h), { temperature: 80 }]);
    const [alert] = await alertsOfDevice(h, fleet, 'open');
    const [first] = fleet.owners;
    await unassignOwner(h, fleet.org, fleet.identifier, first!.email);
    const next = await assignOwner(h, fleet.org, fleet.identifier, uniqueEmail('new-owner'));
    const found = await alertsOf(h, fleet.org, `customerId=${next.customerId}`);
    const links = await h.database.db.selectFrom('assignments').selectAll().where('device_id', '=', fleet.deviceId).execute();
    assert.deepEqual(found.map((a) => a.id), [alert!.id], JSON.stringify({ links, next, all: await alertsOf(h, fleet.org) }));
    assert.deepEqual(found[0]!.owners.map((o: Json) => o.customerId), [first!.customerId]);
    assert.deepEqual(await alertsOf(h, fleet.org, `customerId=${first!.customerId}`), []);
    const ticket = await getJson(h, fleet.org, `/api/v1/tickets/${alert!.ticketId}`);
    assert.deepEqual(ticket.owners.map((o: Json) => o.customerId), [first!.customerId]);
  });

  it('acknowledges and clears by hand, idempotently', async () => {
    const fleet = await deviceWithOwners(h, 1);
    await createRule(h, fleet.org, overheating());
    await send(h, fleet, [now(h), { temperature: 80 }]);
    const [alert] = await alertsOfDevice(h, fleet, 'open');
    const headers = { 'x-api-key': fleet.org.apiKey };
    const ack1 = await h.request({ method: 'POST', url: `/api/v1/alerts/${alert!.id}/acknowledge`, headers });
    assert.equal(ack1.statusCode, 200, ack1.body);
    assert.ok(ack1.json().acknowledgedAt);
    h.clock.advance(1000);
    const ack2 = await h.request({ method: 'POST', url: `/api/v1/alerts/${alert!.id}/acknowledge`, headers });
    assert.equal(ack2.statusCode, 200);
    assert.equal(ack2.json().acknowledgedAt, ack1.json().acknowledgedAt);
    assert.equal((await eventsOf(h, fleet.org, 'alert.acknowledged')).length, 1);

    const clear1 = await h.request({ method: 'POST', url: `/api/v1/alerts/${alert!.id}/clear`, headers });
    assert.equal(clear1.statusCode, 200, clear1.body);
    assert.equal(clear1.json().status, 'cleared');
    const clear2 = await h.request({ method: 'POST', url: `/api/v1/alerts/${alert!.id}/clear`, headers });
    assert.equal(clear2.statusCode, 200);
    assert.equal(clear2.json().clearedAt, clear1.json().clearedAt);
    assert.equal((await eventsOf(h, fleet.org, 'alert.cleared')).length, 1);
    assertError(await h.request({ method: 'POST', url: `/api/v1/alerts/00000000-0000-4000-8000-000000000000/clear`, headers }), 404, 'not_found');
  });

  it('filters by status, severity and rule, newest first in keyset pages', async () => {
    const fleet = await deviceWithOwners(h, 0);
    const hot = await createRule(h, fleet.org, overheating());
    const wet = await createRule(h, fleet.org, { name: 'Wet', severity: 'minor', condition: { kind: 'threshold', key: 'humidity', op: '>=', value: 90 } });
    await send(h, fleet, [now(h), { temperature: 80 }]);
    h.clock.advance(1000);
    await send(h, fleet, [now(h), { humidity: 95 }]);
    const all = await alertsOf(h, fleet.org, `deviceId=${fleet.deviceId}`);
    assert.deepEqual(all.map((a) => a.ruleId), [wet.id, hot.id]);
    assert.deepEqual((await alertsOf(h, fleet.org, `deviceId=${fleet.deviceId}&severity=minor`)).map((a) => a.ruleId), [wet.id]);
    assert.deepEqual((await alertsOf(h, fleet.org, `ruleId=${hot.id}`)).map((a) => a.ruleId), [hot.id]);
    assert.deepEqual(await alertsOf(h, fleet.org, `deviceId=${fleet.deviceId}&status=cleared`), []);
    const page = await getJson(h, fleet.org, `/api/v1/alerts?deviceId=${fleet.deviceId}&limit=1`);
    assert.equal(page.data[0].ruleId, wet.id);
    const next = await getJson(h, fleet.org, `/api/v1/alerts?deviceId=${fleet.deviceId}&limit=1&cursor=${page.nextCursor}`);
    assert.equal(next.data[0].ruleId, hot.id);
    assert.equal(next.nextCursor, null);
    assertError(await h.request({ method: 'GET', url: '/api/v1/alerts?severity=huge', headers: { 'x-api-key': fleet.org.apiKey } }), 400, 'bad_request', 'severity');
  });

  it('counts the other devices of the type with the alert open (a fleet problem)', async () => {
    const a = await deviceWithOwners(h, 0);
    const b = await deviceWithOwners(h, 0, a.org);
    await createRule(h, a.org, overheating());
    await send(h, a, [now(h), { temperature: 80 }]);
    await send(h, b, [now(h), { temperature: 80 }]);
    const [alert] = await alertsOfDevice(h, b, 'open');
    assert.match(alert!.diagnosis.details, /1 other thermostat device has this alert open/);
  });

  it('takes a device’s own readings with its token (POST /api/v1/telemetry)', async () => {
    const fleet = await deviceWithOwners(h, 1);
    await createRule(h, fleet.org, overheating());
    const token = await issueToken(h, fleet.org.apiKey, fleet.deviceId);
    assert.equal((await postTelemetry(h, token, { temperature: 75.5 })).statusCode, 202);
    assert.equal((await alertsOfDevice(h, fleet, 'open')).length, 1);
  });

  it('opens one alert and one ticket for 20 concurrent triggering readings', async () => {
    const fleet = await deviceWithOwners(h, 2);
    await createRule(h, fleet.org, overheating());
    const t = now(h) - 60_000;
    await Promise.all(Array.from({ length: 20 }, (_, i) => send(h, fleet, [t + i, { temperature: 80 + i }])));
    const alerts = await alertsOfDevice(h, fleet);
    assert.equal(alerts.length, 1);
    assert.ok(alerts[0]!.triggerCount >= 1 && alerts[0]!.triggerCount <= 20);
    assert.equal((await getJson(h, fleet.org, `/api/v1/tickets?deviceId=${fleet.deviceId}`)).data.length, 1);
    assert.equal((await eventsOf(h, fleet.org, 'alert.opened')).length, 1);
  });
});
