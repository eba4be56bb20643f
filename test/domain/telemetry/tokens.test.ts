// Device tokens on /api/v1: issued (201, shown once, stored as a hash), replaced and revoked at once, admin-only
// from a dashboard session.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { browserAs, seedDevice } from '../../support/dashboard.js';
import { unique } from '../../support/ext-v1-endpoints.js';
import { describeEachDialect } from '../../support/harness.js';
import { hashSecret } from '../../../src/domain/secrets.js';
import { assertError, postTelemetry } from './support.js';

describeEachDialect('/api/v1/devices/{id}/token', (h) => {
  it('issues a tlmd_ token stored only as its hash, one row per device', async () => {
    const org = await h.newOrg();
    const deviceId = await seedDevice(h, org.organizationId, unique('SN'));
    const res = await h.request({ method: 'POST', url: `/api/v1/devices/${deviceId}/token`, headers: { 'x-api-key': org.apiKey } });
    assert.equal(res.statusCode, 201, res.body);
    const body = res.json();
    assert.deepEqual(Object.keys(body).sort(), ['createdAt', 'deviceId', 'token']);
    assert.equal(body.deviceId, deviceId);
    assert.match(body.token, /^tlmd_[A-Za-z0-9_-]{32,}$/);
    const again = (await h.request({ method: 'POST', url: `/api/v1/devices/${deviceId}/token`, headers: { 'x-api-key': org.apiKey } })).json();
    const rows = await h.database.db.selectFrom('device_tokens').selectAll().where('device_id', '=', deviceId).execute();
    assert.equal(rows.length, 1);
    assert.equal(rows[0]!.token_hash, hashSecret(again.token));
    assert.ok(!JSON.stringify(rows).includes(again.token));
  });

  it('revokes with 200, then 404 when there is no live token', async () => {
    const org = await h.newOrg();
    const deviceId = await seedDevice(h, org.organizationId, unique('SN'));
    const del = () => h.request({ method: 'DELETE', url: `/api/v1/devices/${deviceId}/token`, headers: { 'x-api-key': org.apiKey } });
    assertError(await del(), 404, 'not_found');
    const token = (await h.request({ method: 'POST', url: `/api/v1/devices/${deviceId}/token`, headers: { 'x-api-key': org.apiKey } })).json().token;
    const res = await del();
    assert.equal(res.statusCode, 200);
    assert.deepEqual(Object.keys(res.json()).sort(), ['deviceId', 'revokedAt']);
    assertError(await postTelemetry(h, token, { a: 1 }), 401, 'unauthorized');
    assertError(await del(), 404, 'not_found');
  });

  it('needs the admin role from a dashboard session', async () => {
    const org = await h.newOrg();
    const deviceId = await seedDevice(h, org.organizationId, unique('SN'));
    const agent = await browserAs(h, org.organizationId, 'agent');
    const admin = await browserAs(h, org.organizationId, 'admin');
    const as = (b: { cookie: string; csrf: string }) =>
      h.request({ method: 'POST', url: `/api/v1/devices/${deviceId}/token`, headers: { cookie: b.cookie, 'x-csrf-token': b.csrf } });
    assertError(await as(agent), 403, 'forbidden');
    assert.equal((await as(admin)).statusCode, 201);
  });

  it('documents the telemetry endpoints in the OpenAPI document', async () => {
    const doc = (await h.request({ method: 'GET', url: '/openapi.json' })).json();
    for (const path of ['/api/v1/telemetry', '/api/v1/telemetry/batch', '/api/v1/devices/{id}/token', '/api/v1/devices/{id}/telemetry', '/api/v1/devices/{id}/telemetry/latest']) {
      assert.ok(doc.paths[path], `${path} is documented`);
    }
    assert.deepEqual(doc.paths['/api/v1/telemetry'].post.security, [{ deviceToken: [] }]);
  });
});
