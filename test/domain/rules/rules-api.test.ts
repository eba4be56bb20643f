// /api/v1/rules: defaults, validation naming the field, who may write, tenancy, and what disabling or deleting
// a rule does to its open alerts.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { browserAs } from '../../support/dashboard.js';
import { describeEachDialect } from '../../support/harness.js';
import { assertError } from '../telemetry/support.js';
import { alertsOfDevice, createRule, deviceWithOwners, eventsOf, getJson, now, overheating, send } from './support.js';

describeEachDialect('/api/v1/rules', (h) => {
  it('creates a rule with every default filled in', async () => {
    const org = await h.newOrg();
    const rule = await createRule(h, org, { name: 'Hot', condition: { kind: 'threshold', key: 'temperature', op: '>', value: 70 } });
    assert.equal(typeof rule.id, 'string');
    assert.deepEqual(
      { ...rule, id: undefined, createdAt: undefined, updatedAt: undefined },
      {
        id: undefined,
        name: 'Hot',
        deviceType: null,
        severity: 'major',
        condition: { kind: 'threshold', key: 'temperature', op: '>', value: 70, forSeconds: 0, count: 1 },
        clear: null,
        createTicket: true,
        ticketPriority: 'high',
        notifyOwners: false,
        enabled: true,
        createdAt: undefined,
        updatedAt: undefined,
      },
    );
    assert.equal(rule.createdAt, rule.updatedAt);
    const anomaly = await createRule(h, org, { name: 'Odd', severity: 'critical', condition: { kind: 'anomaly', key: 'power' } });
    assert.deepEqual(anomaly.condition, { kind: 'anomaly', key: 'power', zScore: 4, minSamples: 50 });
    assert.equal(anomaly.ticketPriority, 'urgent');
    const quiet = await createRule(h, org, { name: 'Quiet', severity: 'warning', condition: { kind: 'inactivity', timeoutSeconds: 300 } });
    assert.deepEqual(quiet.condition, { kind: 'inactivity', timeoutSeconds: 300 });
    assert.equal(quiet.ticketPriority, 'medium');
    const withClear = await createRule(h, org, overheating({ clear: { op: '<=', value: 65 } }, { forSeconds: 600 }));
    assert.deepEqual(withClear.clear, { op: '<=', value: 65, forSeconds: 0 });
    assert.equal(withClear.ticketPriority, 'urgent');
  });

  it('refuses a malformed rule with 400 naming the field', async () => {
    const org = await h.newOrg();
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ condition: { kind: 'threshold', key: 'k', op: '>', value: 1 } }, 'name'],
      [{ name: 'x' }, 'condition'],
      [{ name: 'x', condition: { kind: 'magic' } }, 'condition.kind'],
      [{ name: 'x', condition: { kind: 'threshold', key: 'k', op: '=>', value: 1 } }, 'condition.op'],
      [{ name: 'x', condition: { kind: 'threshold', key: 'k', op: '>', value: 'hot' } }, 'condition.value'],
      [{ name: 'x', condition: { kind: 'threshold', key: '', op: '>', value: 1 } }, 'condition.key'],
      [{ name: 'x', condition: { kind: 'threshold', key: 'k', op: '>', value: 1, forSeconds: -1 } }, 'condition.forSeconds'],
      [{ name: 'x', condition: { kind: 'threshold', key: 'k', op: '>', value: 1, count: 0 } }, 'condition.count'],
      [{ name: 'x', condition: { kind: 'threshold', key: 'k', op: '>', value: 1, extra: 1 } }, 'condition.extra'],
      [{ name: 'x', condition: { kind: 'inactivity', timeoutSeconds: 0 } }, 'condition.timeoutSeconds'],
      [{ name: 'x', condition: { kind: 'anomaly', key: 'k', minSamples: 5 } }, 'condition.minSamples'],
      [{ name: 'x', condition: { kind: 'anomaly', key: 'k', zScore: 0 } }, 'condition.zScore'],
      [{ name: 'x', condition: { kind: 'inactivity', timeoutSeconds: 5 }, clear: { op: '<', value: 1 } }, 'clear'],
      [{ name: 'x', condition: { kind: 'threshold', key: 'k', op: '>', value: 1 }, clear: { op: '<', value: 'a' } }, 'clear.value'],
      [{ name: 'x', severity: 'huge', condition: { kind: 'inactivity', timeoutSeconds: 5 } }, 'severity'],
      [{ name: 'x', ticketPriority: 'now', condition: { kind: 'inactivity', timeoutSeconds: 5 } }, 'ticketPriority'],
      [{ name: 'x', enabled: 'yes', condition: { kind: 'inactivity', timeoutSeconds: 5 } }, 'enabled'],
      [{ name: 'x', color: 'red', condition: { kind: 'inactivity', timeoutSeconds: 5 } }, 'color'],
    ];
    for (const [body, field] of cases) {
      const res = await h.request({ method: 'POST', url: '/api/v1/rules', headers: { 'x-api-key': org.apiKey }, body });
      assertError(res, 400, 'bad_request', field);
    }
  });

  it('refuses notifyOwners without mail configured, saying what to set', async () => {
    const org = await h.newOrg();
    const res = await h.request({ method: 'POST', url: '/api/v1/rules', headers: { 'x-api-key': org.apiKey }, body: overheating({ notifyOwners: true }) });
    assertError(res, 400, 'bad_request', 'TELEMAP_SMTP_URL');
    assert.ok(res.json().error.message.includes('TELEMAP_MAIL_FROM'));
  });

  it('lists newest first in keyset pages, reads, patches and deletes', async () => {
    const org = await h.newOrg();
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      ids.push((await createRule(h, org, { name: `r${i}`, condition: { kind: 'inactivity', timeoutSeconds: 60 } })).id);
      h.clock.advance(1);
    }
    const first = await getJson(h, org, '/api/v1/rules?limit=2');
    assert.deepEqual(first.data.map((r: { id: string }) => r.id), [ids[2], ids[1]]);
    const second = await getJson(h, org, `/api/v1/rules?limit=2&cursor=${first.nextCursor}`);
    assert.deepEqual(second.data.map((r: { id: string }) => r.id), [ids[0]]);
    assert.equal(second.nextCursor, null);

    assert.equal((await getJson(h, org, `/api/v1/rules/${ids[0]}`)).name, 'r0');
    h.clock.advance(1000);
    const patched = await h.request({ method: 'PATCH', url: `/api/v1/rules/${ids[0]}`, headers: { 'x-api-key': org.apiKey }, body: { severity: 'critical', enabled: false } });
    assert.equal(patched.statusCode, 200, patched.body);
    assert.equal(patched.json().severity, 'critical');
    assert.equal(patched.json().ticketPriority, 'urgent', 'a priority left at its default follows the severity');
    assert.equal(patched.json().enabled, false);
    assert.notEqual(patched.json().updatedAt, patched.json().createdAt);
    assertError(await h.request({ method: 'PATCH', url: `/api/v1/rules/${ids[0]}`, headers: { 'x-api-key': org.apiKey }, body: { condition: { kind: 'anomaly', key: 'x', zScore: -1 } } }), 400, 'bad_request', 'condition.zScore');

    const deleted = await h.request({ method: 'DELETE', url: `/api/v1/rules/${ids[0]}`, headers: { 'x-api-key': org.apiKey } });
    assert.equal(deleted.statusCode, 200, deleted.body);
    assert.equal(deleted.json().id, ids[0]);
    assertError(await h.request({ method: 'GET', url: `/api/v1/rules/${ids[0]}`, headers: { 'x-api-key': org.apiKey } }), 404, 'not_found');
  });

  it("sees another organization's rules and alerts as missing, everywhere", async () => {
    const mine = await h.newOrg();
    const theirs = await deviceWithOwners(h, 1);
    const rule = await createRule(h, theirs.org, overheating());
    await send(h, theirs, [now(h), { temperature: 80 }]);
    const [alert] = await alertsOfDevice(h, theirs, 'open');
    assert.ok(alert);
    const headers = { 'x-api-key': mine.apiKey };
    for (const [method, url, body] of [
      ['GET', `/api/v1/rules/${rule.id}`],
      ['PATCH', `/api/v1/rules/${rule.id}`, { enabled: false }],
      ['DELETE', `/api/v1/rules/${rule.id}`],
      ['GET', `/api/v1/alerts/${alert.id}`],
      ['POST', `/api/v1/alerts/${alert.id}/acknowledge`],
      ['POST', `/api/v1/alerts/${alert.id}/clear`],
      ['GET', `/api/v1/rules/not-a-uuid`],
    ] as const) {
      assertError(await h.request({ method, url, headers, ...(body ? { body } : {}) }), 404, 'not_found');
    }
    assert.deepEqual((await getJson(h, mine, '/api/v1/rules')).data, []);
    assert.deepEqual((await getJson(h, mine, `/api/v1/alerts?deviceId=${theirs.deviceId}`)).data, []);
    assert.deepEqual((await getJson(h, mine, `/api/v1/alerts?customerId=${theirs.owners[0]!.customerId}`)).data, []);
    assert.deepEqual((await getJson(h, mine, `/api/v1/alerts?ruleId=${rule.id}`)).data, []);
    // Without credentials: 401 on every new route.
    for (const [method, url] of [['GET', '/api/v1/rules'], ['POST', '/api/v1/rules'], ['GET', '/api/v1/alerts'], ['POST', `/api/v1/alerts/${alert.id}/clear`]] as const) {
      assertError(await h.request({ method, url }), 401, 'unauthorized');
    }
    assert.equal((await getJson(h, theirs.org, `/api/v1/alerts/${alert.id}`)).status, 'open');
  });

  it('lets agents read rules and only admins change them on the dashboard', async () => {
    const org = await h.newOrg();
    const rule = await createRule(h, org, overheating());
    const agent = await browserAs(h, org.organizationId, 'agent');
    const admin = await browserAs(h, org.organizationId, 'admin');
    const as = (b: typeof agent, method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, body?: unknown) =>
      h.request({ method, url, headers: { cookie: b.cookie, 'x-csrf-token': b.csrf }, ...(body ? { body } : {}) });
    assert.equal((await as(agent, 'GET', '/api/v1/rules')).statusCode, 200);
    assert.equal((await as(agent, 'GET', `/api/v1/rules/${rule.id}`)).statusCode, 200);
    assertError(await as(agent, 'POST', '/api/v1/rules', overheating()), 403, 'forbidden');
    assertError(await as(agent, 'POST', '/api/v1/rules', { junk: true }), 403, 'forbidden');
    assertError(await as(agent, 'PATCH', `/api/v1/rules/${rule.id}`, { enabled: false }), 403, 'forbidden');
    assertError(await as(agent, 'DELETE', `/api/v1/rules/${rule.id}`), 403, 'forbidden');
    assert.equal((await as(admin, 'PATCH', `/api/v1/rules/${rule.id}`, { name: 'Too hot' })).statusCode, 200);
    assert.equal((await as(admin, 'POST', '/api/v1/rules', overheating())).statusCode, 201);
  });

  it('clears the open alerts of a rule that is disabled or deleted, with alert.cleared events', async () => {
    const fleet = await deviceWithOwners(h, 1);
    const disabled = await createRule(h, fleet.org, overheating());
    const deleted = await createRule(h, fleet.org, overheating({ name: 'Overheating too' }));
    await send(h, fleet, [now(h), { temperature: 80 }]);
    assert.equal((await alertsOfDevice(h, fleet, 'open')).length, 2);

    const headers = { 'x-api-key': fleet.org.apiKey };
    assert.equal((await h.request({ method: 'PATCH', url: `/api/v1/rules/${disabled.id}`, headers, body: { enabled: false } })).statusCode, 200);
    assert.equal((await h.request({ method: 'DELETE', url: `/api/v1/rules/${deleted.id}`, headers })).statusCode, 200);
    const cleared = await alertsOfDevice(h, fleet, 'cleared');
    assert.equal(cleared.length, 2);
    assert.ok(cleared.every((a) => a.clearedAt !== null));
    const events = await eventsOf(h, fleet.org, 'alert.cleared');
    assert.deepEqual(events.map((e) => e.ruleId).sort(), [disabled.id, deleted.id].sort());
    // A disabled rule judges nothing.
    await send(h, fleet, [now(h) + 1, { temperature: 90 }]);
    assert.equal((await alertsOfDevice(h, fleet, 'open')).length, 0);
  });
});
