// The Alerts and Rules pages and the alert on a ticket's page, through the dashboard's forms.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { browserAs } from '../../support/dashboard.js';
import { describeEachDialect } from '../../support/harness.js';
import { alertsOfDevice, deviceWithOwners, now, send } from './support.js';

describeEachDialect('alerts and rules pages', (h) => {
  it('lets an admin create, edit, disable and delete rules with the forms; agents are refused', async () => {
    const fleet = await deviceWithOwners(h, 2);
    const admin = await browserAs(h, fleet.org.organizationId, 'admin');
    const agent = await browserAs(h, fleet.org.organizationId, 'agent');
    assert.equal((await agent.get('/rules')).statusCode, 403);
    assert.equal((await agent.post('/rules', { kind: 'inactivity', name: 'x', timeoutSeconds: '60' })).statusCode, 403);
    assert.ok(!(await agent.get('/alerts')).body.includes('href="/rules"'));
    assert.ok((await admin.get('/alerts')).body.includes('href="/rules"'));

    const bad = await admin.post('/rules', { kind: 'threshold', name: 'Hot', key: 'temperature', op: '>', value: '', severity: 'critical', createTicket: 'on', enabled: 'on' });
    assert.equal(bad.statusCode, 400);
    assert.match(bad.body, /condition\.value/);

    const created = await admin.post('/rules', {
      kind: 'threshold', name: 'Overheating', deviceType: 'thermostat', severity: 'critical', key: 'temperature', op: '>', value: '70',
      forSeconds: '0', count: '1', clearOp: '<=', clearValue: '65', clearForSeconds: '0', ticketPriority: '', createTicket: 'on', enabled: 'on',
    });
    assert.equal(created.statusCode, 303, created.body);
    const list = await admin.get('/rules');
    assert.match(list.body, /temperature &gt; 70; clears at temperature &lt;= 65/);
    const rule = (await h.request({ method: 'GET', url: '/api/v1/rules', headers: { 'x-api-key': fleet.org.apiKey } })).json().data[0];
    assert.equal(rule.ticketPriority, 'urgent');
    assert.deepEqual(rule.clear, { op: '<=', value: 65, forSeconds: 0 });

    const edit = await admin.get(`/rules/${rule.id}`);
    assert.equal(edit.statusCode, 200);
    assert.match(edit.body, /value="Overheating"/);
    assert.equal((await admin.post(`/rules/${rule.id}`, { kind: 'threshold', name: 'Too hot', deviceType: 'thermostat', severity: 'major', key: 'temperature', op: '>=', value: '72', createTicket: 'on', enabled: 'on' })).statusCode, 303);

    await send(h, fleet, [now(h), { temperature: 80 }]);
    const [alert] = await alertsOfDevice(h, fleet, 'open');
    assert.equal(alert!.ruleName, 'Too hot');

    // The Alerts page: links to device, owners and ticket; filters; acknowledge and clear.
    const alerts = await admin.get('/alerts?status=open&severity=major');
    assert.equal(alerts.statusCode, 200);
    assert.ok(alerts.body.includes(`href="/devices/${fleet.deviceId}"`));
    for (const owner of fleet.owners) assert.ok(alerts.body.includes(`href="/customers/${owner.customerId}"`));
    assert.ok(alerts.body.includes(`href="/tickets/${alert!.ticketId}"`));
    assert.ok(!(await admin.get('/alerts?severity=minor')).body.includes(`/alerts/${alert!.id}/clear`));
    const ack = await agent.post(`/alerts/${alert!.id}/acknowledge`, { back: '/alerts?status=open' });
    assert.equal(ack.statusCode, 303);
    assert.equal(ack.headers.location, '/alerts?status=open&notice=alert-acknowledged');

    // The ticket page shows the alert, its diagnosis and a chart of the reading around it.
    await send(h, fleet, [now(h) + 1000, { temperature: 81 }]);
    const ticket = await agent.get(`/tickets/${alert!.ticketId}`);
    assert.equal(ticket.statusCode, 200);
    assert.match(ticket.body, /Alert: Too hot/);
    assert.ok(ticket.body.includes(alert!.diagnosis.summary.replaceAll('>', '&gt;')));
    assert.match(ticket.body, /<svg[^>]+role="img"/);
    assert.ok(!/style="/.test(ticket.body), 'no inline style: the CSP forbids it');

    assert.equal((await agent.post(`/alerts/${alert!.id}/clear`)).statusCode, 303);
    assert.equal((await alertsOfDevice(h, fleet, 'cleared')).length, 1);

    assert.equal((await admin.post(`/rules/${rule.id}/enabled`, { enabled: 'false' })).statusCode, 303);
    assert.match((await admin.get('/rules')).body, />Enable</);
    assert.equal((await admin.post(`/rules/${rule.id}/delete`)).statusCode, 303);
    assert.match((await admin.get('/rules')).body, /No rules yet/);
  });
});
