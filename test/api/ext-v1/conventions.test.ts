import assert from 'node:assert/strict';
import { it } from 'node:test';
import { describeEachDialect } from '../../support/harness.js';

describeEachDialect('ext-v1 shared conventions', (h) => {
  it('refuses a missing or unknown key with the contract 401, before reading the body', async () => {
    for (const apiKey of [undefined, 'nope', 'tlm_' + 'x'.repeat(40)]) {
      const res = await h.extPost('/customer/createOrUpdateCustomer', apiKey, '{not json');
      assert.equal(res.statusCode, 401);
      assert.equal(res.json().error, 'Invalid or missing API key');
    }
  });

  it('answers Invalid JSON payload for unparsable and non-object bodies', async () => {
    const { apiKey } = await h.newOrg();
    for (const body of ['{"email":', '[1,2]', '"text"', '42', 'null', '']) {
      const res = await h.request({
        method: 'POST',
        url: '/api/ext-v1/customer/createOrUpdateCustomer',
        headers: { 'x-api-key': apiKey, 'content-type': 'application/json' },
        body,
      });
      assert.equal(res.statusCode, 400, `body ${JSON.stringify(body)}`);
      assert.equal(res.json().error, 'Invalid JSON payload');
    }
  });

  it('reads JSON bodies whatever their content type', async () => {
    const { apiKey } = await h.newOrg();
    const res = await h.request({
      method: 'POST',
      url: '/api/ext-v1/customer/createOrUpdateCustomer',
      headers: { 'x-api-key': apiKey, 'content-type': 'text/plain' },
      body: JSON.stringify({ email: 'plain@example.com' }),
    });
    assert.equal(res.statusCode, 200);
  });

  it('answers JSON 404 for unknown routes and 405 for a wrong method', async () => {
    const { apiKey } = await h.newOrg();
    const unknown = await h.extGet('/customer/nothingHere', apiKey);
    assert.equal(unknown.statusCode, 404);
    assert.equal(unknown.json().error, 'Not found');
    const wrongMethod = await h.extGet('/customer/createOrUpdateCustomer', apiKey);
    assert.equal(wrongMethod.statusCode, 405);
    assert.equal(wrongMethod.json().error, 'Method not allowed');
  });

  it('answers 413 above the body limit', async () => {
    const { apiKey } = await h.newOrg();
    const big = JSON.stringify({ email: 'big@example.com', name: 'x'.repeat(2 * 1024 * 1024) });
    const res = await h.extPost('/customer/createOrUpdateCustomer', apiKey, big);
    assert.equal(res.statusCode, 413);
    assert.equal(res.json().error, 'Payload too large');
    const none = await h.extPost('/customer/queryCustomer', apiKey, { email: 'big@example.com' });
    assert.equal(none.statusCode, 404);
  });

  it('echoes a sane x-request-id and replaces an unsafe one', async () => {
    const kept = await h.request({ method: 'GET', url: '/healthz', headers: { 'x-request-id': 'abc-123' } });
    assert.equal(kept.headers['x-request-id'], 'abc-123');
    const replaced = await h.request({ method: 'GET', url: '/healthz', headers: { 'x-request-id': 'bad id\twith tabs' } });
    assert.match(String(replaced.headers['x-request-id']), /^[0-9a-f-]{36}$/);
  });

  it('refuses NUL characters in strings instead of failing in the database', async () => {
    const { apiKey } = await h.newOrg();
    const res = await h.extPost('/customer/createOrUpdateCustomer', apiKey, { email: 'nul@example.com', name: 'a\u0000b' });
    assert.equal(res.statusCode, 400);
    assert.equal(res.json().error, 'name must not contain NUL characters');
  });
});
