import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { it } from 'node:test';
import { exchangeSecretForToken } from '../../../src/domain/integration-tokens/service.js';
import { createOrganizationWithSecret, deleteOrganization } from '../../../src/domain/orgs/lifecycle.js';
import { DAY_MS } from '../../support/clock.js';
import { describeEachDialect, type Harness } from '../../support/harness.js';

const UNAUTHORIZED = 'Missing, invalid or expired credentials: send Authorization: Bearer <integration token>';

/** An organization with a customer secret and one integration token. */
async function tokenOrg(h: Harness) {
  const email = `ops-${randomUUID()}@example.com`;
  const { organization, secret } = await createOrganizationWithSecret(h.ctx, { name: 'Keys test', email });
  const minted = await exchangeSecretForToken(h.ctx, organization.id, secret);
  assert.ok(minted);
  return { organizationId: organization.id, token: minted.token };
}

function v1(h: Harness, method: 'GET' | 'POST' | 'DELETE', path: string, token: string | undefined, body?: unknown) {
  return h.request({
    method,
    url: `/api/v1${path}`,
    headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
    ...(body === undefined ? {} : { body }),
  });
}

function assertV1Error(res: Awaited<ReturnType<typeof v1>>, status: number, code: string, message?: string) {
  assert.equal(res.statusCode, status, res.body);
  const body = res.json();
  assert.deepEqual(Object.keys(body), ['error']);
  assert.equal(body.error.code, code);
  assert.equal(body.error.requestId, res.headers['x-request-id']);
  if (message !== undefined) assert.equal(body.error.message, message);
  else assert.equal(typeof body.error.message, 'string');
}

function ext(h: Harness, apiKey: string) {
  return h.extPost('/customer/queryCustomer', apiKey, { email: 'nobody@example.com' });
}

describeEachDialect('/api/v1 API keys', (h) => {
  it('refuses a missing, malformed, unknown, raw (non-Bearer) or expired token with 401, on every path', async () => {
    const { token } = await tokenOrg(h);
    for (const headers of [
      {},
      { authorization: 'Bearer' },
      { authorization: 'Bearer tlmt_' + 'x'.repeat(48) },
      { authorization: token },
      { authorization: `Basic ${token}` },
    ]) {
      for (const url of ['/api/v1/api-keys', '/api/v1/no-such-thing']) {
        const res = await h.request({ method: 'GET', url, headers });
        assertV1Error(res, 401, 'unauthorized', UNAUTHORIZED);
      }
    }
    // Auth comes before the body is read.
    const badJson = await h.request({ method: 'POST', url: '/api/v1/api-keys', headers: { 'content-type': 'application/json' }, body: '{nope' });
    assertV1Error(badJson, 401, 'unauthorized');

    assert.equal((await v1(h, 'GET', '/api-keys', token)).statusCode, 200);
    h.clock.advance(90 * DAY_MS + 1000);
    try {
      assertV1Error(await v1(h, 'GET', '/api-keys', token), 401, 'unauthorized', UNAUTHORIZED);
    } finally {
      h.clock.reset();
    }
  });

  it('creates a key shown once, which works on ext-v1, and lists keys without the key', async () => {
    const { organizationId, token } = await tokenOrg(h);
    const created = await v1(h, 'POST', '/api-keys', token, { name: 'nightly sync' });
    assert.equal(created.statusCode, 201, created.body);
    const key = created.json();
    assert.deepEqual(Object.keys(key).sort(), ['createdAt', 'expiresAt', 'id', 'key', 'lastUsedAt', 'name', 'prefix', 'revokedAt']);
    assert.match(key.key, /^tlm_[A-Za-z0-9_-]{40}$/);
    assert.equal(key.prefix, key.key.slice(0, 12));
    assert.equal(key.name, 'nightly sync');
    assert.equal(key.revokedAt, null);
    assert.equal(key.lastUsedAt, null);
    assert.equal(key.expiresAt, null);
    assert.equal((await ext(h, key.key)).statusCode, 404, 'the new key authenticates on ext-v1');

    const unnamed = await v1(h, 'POST', '/api-keys', token);
    assert.equal(unnamed.statusCode, 201, unnamed.body);
    assert.equal(unnamed.json().name, 'default');

    const list = await v1(h, 'GET', '/api-keys', token);
    assert.equal(list.statusCode, 200);
    assert.ok(!list.body.includes(key.key), 'a list never shows a key');
    const keys = list.json().data;
    assert.deepEqual(
      keys.map((k: { id: string }) => k.id),
      [key.id, unnamed.json().id],
    );
    assert.deepEqual(Object.keys(keys[0]).sort(), ['createdAt', 'expiresAt', 'id', 'lastUsedAt', 'name', 'prefix', 'revokedAt']);
    assert.equal(keys[0].prefix, key.prefix);
    assert.match(keys[0].lastUsedAt, /^\d{4}-\d\d-\d\dT/, 'last used is recorded');

    // Another organization sees none of them.
    const other = await tokenOrg(h);
    assert.deepEqual((await v1(h, 'GET', '/api-keys', other.token)).json(), { data: [] });
    assert.notEqual(other.organizationId, organizationId);
  });

  it('validates the create body', async () => {
    const { token } = await tokenOrg(h);
    assertV1Error(await v1(h, 'POST', '/api-keys', token, { name: 42 }), 400, 'bad_request', 'name: Expected string');
    assertV1Error(await v1(h, 'POST', '/api-keys', token, { name: '' }), 400, 'bad_request');
    assertV1Error(await v1(h, 'POST', '/api-keys', token, { name: 'x'.repeat(256) }), 400, 'bad_request');
    const badJson = await h.request({
      method: 'POST',
      url: '/api/v1/api-keys',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: '{"name":',
    });
    assertV1Error(badJson, 400, 'bad_request', 'The body is not valid JSON');
    const plain = await h.request({
      method: 'POST',
      url: '/api/v1/api-keys',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/xml' },
      body: '<name>x</name>',
    });
    assertV1Error(plain, 415, 'unsupported_media_type');
    assertV1Error(await v1(h, 'POST', '/api-keys', token, { name: 'x', extra: true }), 400, 'bad_request');
    const big = await v1(h, 'POST', '/api-keys', token, { name: 'x'.repeat(2 * 1024 * 1024) });
    assertV1Error(big, 413, 'payload_too_large');
    assert.deepEqual((await v1(h, 'GET', '/api-keys', token)).json(), { data: [] });
  });

  it('revokes a key at once; another organization cannot revoke it', async () => {
    const { token } = await tokenOrg(h);
    const key = (await v1(h, 'POST', '/api-keys', token, { name: 'to revoke' })).json();
    const other = await tokenOrg(h);
    assertV1Error(await v1(h, 'DELETE', `/api-keys/${key.id}`, other.token), 404, 'not_found', 'API key not found');
    assert.equal((await ext(h, key.key)).statusCode, 404, 'still valid after the other organization tried');

    const revoked = await v1(h, 'DELETE', `/api-keys/${key.id}`, token);
    assert.equal(revoked.statusCode, 200, revoked.body);
    assert.equal(revoked.json().id, key.id);
    assert.equal(typeof revoked.json().revokedAt, 'string');
    assert.equal((await ext(h, key.key)).statusCode, 401);
    // Idempotent.
    assert.equal((await v1(h, 'DELETE', `/api-keys/${key.id}`, token)).statusCode, 200);
    assertV1Error(await v1(h, 'DELETE', `/api-keys/${randomUUID()}`, token), 404, 'not_found');
    assertV1Error(await v1(h, 'DELETE', '/api-keys/not-a-uuid', token), 404, 'not_found');
  });

  it('rolls a key without grace: the old key is refused at once', async () => {
    const { token } = await tokenOrg(h);
    const old = (await v1(h, 'POST', '/api-keys', token, { name: 'sync' })).json();
    const rolled = await v1(h, 'POST', `/api-keys/${old.id}/roll`, token);
    assert.equal(rolled.statusCode, 201, rolled.body);
    const body = rolled.json();
    assert.notEqual(body.id, old.id);
    assert.equal(body.name, 'sync');
    assert.match(body.key, /^tlm_/);
    assert.equal(body.previousKey.id, old.id);
    assert.equal(typeof body.previousKey.revokedAt, 'string');
    assert.equal((await ext(h, old.key)).statusCode, 401);
    assert.equal((await ext(h, body.key)).statusCode, 404);
    // A revoked key cannot be rolled.
    assertV1Error(await v1(h, 'POST', `/api-keys/${old.id}/roll`, token, {}), 409, 'conflict');
  });

  it('rolls a key with grace: the old key works until the grace period ends, then is refused', async () => {
    const { token } = await tokenOrg(h);
    const old = (await v1(h, 'POST', '/api-keys', token, { name: 'sync' })).json();
    const rolled = await v1(h, 'POST', `/api-keys/${old.id}/roll`, token, { graceSeconds: 3600 });
    assert.equal(rolled.statusCode, 201, rolled.body);
    const body = rolled.json();
    assert.equal(Date.parse(body.previousKey.revokedAt) - Date.parse(body.createdAt), 3600 * 1000);
    try {
      assert.equal((await ext(h, old.key)).statusCode, 404, 'old key still works during the grace period');
      assert.equal((await ext(h, body.key)).statusCode, 404);
      h.clock.advance(3599 * 1000);
      assert.equal((await ext(h, old.key)).statusCode, 404);
      h.clock.advance(2000);
      assert.equal((await ext(h, old.key)).statusCode, 401, 'refused once the grace period is over');
      assert.equal((await ext(h, body.key)).statusCode, 404);
    } finally {
      h.clock.reset();
    }
    const listed = (await v1(h, 'GET', '/api-keys', token)).json().data;
    assert.equal(listed.find((k: { id: string }) => k.id === old.id).revokedAt, body.previousKey.revokedAt);
  });

  it('revoking a key in its grace period stops it at once', async () => {
    const { token } = await tokenOrg(h);
    const old = (await v1(h, 'POST', '/api-keys', token)).json();
    assert.equal((await v1(h, 'POST', `/api-keys/${old.id}/roll`, token, { graceSeconds: 600 })).statusCode, 201);
    assert.equal((await ext(h, old.key)).statusCode, 404);
    assert.equal((await v1(h, 'DELETE', `/api-keys/${old.id}`, token)).statusCode, 200);
    assert.equal((await ext(h, old.key)).statusCode, 401);
  });

  it('validates roll bodies and refuses other organizations', async () => {
    const { token } = await tokenOrg(h);
    const old = (await v1(h, 'POST', '/api-keys', token)).json();
    for (const body of [{ graceSeconds: -1 }, { graceSeconds: 1.5 }, { graceSeconds: 'soon' }, { graceSeconds: 31 * 86400 }]) {
      assertV1Error(await v1(h, 'POST', `/api-keys/${old.id}/roll`, token, body), 400, 'bad_request');
    }
    const other = await tokenOrg(h);
    assertV1Error(await v1(h, 'POST', `/api-keys/${old.id}/roll`, other.token), 404, 'not_found', 'API key not found');
    assertV1Error(await v1(h, 'POST', `/api-keys/${randomUUID()}/roll`, token), 404, 'not_found');
    assert.equal((await ext(h, old.key)).statusCode, 404, 'untouched');
  });

  it('refuses the token of a deleted organization', async () => {
    const { organizationId, token } = await tokenOrg(h);
    assert.equal((await v1(h, 'GET', '/api-keys', token)).statusCode, 200);
    await deleteOrganization(h.ctx, organizationId);
    assertV1Error(await v1(h, 'GET', '/api-keys', token), 401, 'unauthorized', UNAUTHORIZED);
  });

  it('answers unknown paths with the /api/v1 404 and lists the routes in OpenAPI', async () => {
    const { token } = await tokenOrg(h);
    assertV1Error(await v1(h, 'GET', '/nothing-here', token), 404, 'not_found', 'Not found');
    const doc = (await h.request({ method: 'GET', url: '/openapi.json' })).json();
    assert.ok(doc.paths['/api/v1/api-keys'].get);
    assert.ok(doc.paths['/api/v1/api-keys'].post);
    assert.ok(doc.paths['/api/v1/api-keys/{id}'].delete);
    assert.ok(doc.paths['/api/v1/api-keys/{id}/roll'].post);
  });
});
