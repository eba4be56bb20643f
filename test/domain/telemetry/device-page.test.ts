// The device page's telemetry: latest readings, the chart data of numeric keys, ingest errors, and the token
// issued and revoked by an admin (shown once), with the assets served by the process itself.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { browserAs, seedDevice } from '../../support/dashboard.js';
import { unique } from '../../support/ext-v1-endpoints.js';
import { describeEachDialect } from '../../support/harness.js';
import { assertError, postBatch, postTelemetry } from './support.js';

describeEachDialect('device page telemetry', (h) => {
  it('shows latest readings, chart data for numeric keys and the ingest errors', async () => {
    const org = await h.newOrg();
    const identifier = unique('SN');
    const deviceId = await seedDevice(h, org.organizationId, identifier);
    const now = h.clock.now().getTime();
    await postBatch(h, org.apiKey, { [identifier]: [{ ts: now - 60_000, values: { temperature: 21.5, door: '<closed>' } }, { ts: now - 1000, values: { temperature: 22 } }] });
    await postBatch(h, org.apiKey, { [identifier]: { bad: null } });
    const agent = await browserAs(h, org.organizationId, 'agent');
    const page = await agent.get(`/devices/${deviceId}`);
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /<code>temperature<\/code><\/td><td>22<\/td>/);
    assert.ok(page.body.includes('&lt;closed&gt;'), 'string values are escaped');
    assert.ok(page.body.includes('data-chart-key="temperature"'));
    assert.ok(!page.body.includes('data-chart-key="door"'), 'no chart for a string key');
    const data = JSON.parse(/<script type="application\/json" id="telemetry-data">([^<]*)<\/script>/.exec(page.body)![1]!);
    assert.deepEqual(data, { temperature: [[now - 60_000, 21.5], [now - 1000, 22]] });
    assert.match(page.body, /id="ingest-errors"[\s\S]*<dd>1<\/dd>[\s\S]*bad has an invalid value/);
    assert.ok(page.body.includes('/assets/uplot.js'));
    assert.ok(!page.body.includes('Issue a token'), 'agents do not manage tokens');
    assert.equal((await agent.post(`/devices/${deviceId}/token`)).statusCode, 403);

    for (const path of ['/assets/uplot.js', '/assets/uplot.css', '/assets/telemetry.js']) {
      const asset = await h.app.inject({ method: 'GET', url: path });
      assert.equal(asset.statusCode, 200, path);
      assert.ok(asset.body.length > 100);
    }
    const range = await agent.get(`/devices/${deviceId}?range=1h`);
    assert.match(range.body, /<option value="1h" selected>/);
  });

  it('lets an admin issue a token (shown once) and revoke it', async () => {
    const org = await h.newOrg();
    const deviceId = await seedDevice(h, org.organizationId, unique('SN'));
    const admin = await browserAs(h, org.organizationId, 'admin');
    const before = await admin.get(`/devices/${deviceId}`);
    assert.ok(before.body.includes('This device has no live token.'));
    const issued = await admin.post(`/devices/${deviceId}/token`);
    assert.equal(issued.statusCode, 200);
    const token = /id="device-token" readonly value="(tlmd_[^"]+)"/.exec(issued.body)?.[1];
    assert.ok(token, 'the token is on the page');
    assert.equal((await postTelemetry(h, token, { a: 1 })).statusCode, 202);
    const again = await admin.get(`/devices/${deviceId}`);
    assert.ok(!again.body.includes(token), 'shown once');
    assert.ok(again.body.includes('is live.'));
    const revoked = await admin.post(`/devices/${deviceId}/token/revoke`);
    assert.equal(revoked.statusCode, 200);
    assert.ok(revoked.body.includes('Device token revoked'));
    assertError(await postTelemetry(h, token, { a: 2 }), 401, 'unauthorized');
    const other = await h.newOrg();
    const outsider = await browserAs(h, other.organizationId, 'admin');
    assert.equal((await outsider.post(`/devices/${deviceId}/token`)).statusCode, 404);
  });
});
