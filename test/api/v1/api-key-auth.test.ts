// The organization's API key on /api/v1: the same key as ext-v1, as x-api-key or a Bearer credential; it acts for
// its organization only, and cannot manage API keys.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { createCustomerViaExt, uniqueEmail } from '../../support/dashboard.js';
import { describeEachDialect } from '../../support/harness.js';

describeEachDialect('/api/v1 with an organization API key', (h) => {
  it('reads the organization with x-api-key and with Authorization: Bearer', async () => {
    const org = await h.newOrg();
    const email = uniqueEmail('owner');
    const customerId = await createCustomerViaExt(h, org.apiKey, email);
    for (const headers of [{ 'x-api-key': org.apiKey }, { authorization: `Bearer ${org.apiKey}` }]) {
      const res = await h.request({ method: 'GET', url: `/api/v1/customers/${customerId}`, headers });
      assert.equal(res.statusCode, 200, res.body);
      assert.equal(res.json().email, email);
    }
  });

  it("sees another organization's records as missing", async () => {
    const mine = await h.newOrg();
    const theirs = await h.newOrg();
    const customerId = await createCustomerViaExt(h, theirs.apiKey, uniqueEmail('other'));
    const res = await h.request({ method: 'GET', url: `/api/v1/customers/${customerId}`, headers: { 'x-api-key': mine.apiKey } });
    assert.equal(res.statusCode, 404);
    assert.equal(res.json().error.code, 'not_found');
  });

  it('cannot manage API keys (403 forbidden)', async () => {
    const org = await h.newOrg();
    for (const [method, url] of [['GET', '/api/v1/api-keys'], ['POST', '/api/v1/api-keys']] as const) {
      const res = await h.request({ method, url, headers: { 'x-api-key': org.apiKey }, ...(method === 'POST' ? { body: { name: 'x' } } : {}) });
      assert.equal(res.statusCode, 403, res.body);
      assert.equal(res.json().error.code, 'forbidden');
    }
  });

  it('refuses an unknown or revoked key with 401', async () => {
    const res = await h.request({ method: 'GET', url: '/api/v1/customers', headers: { 'x-api-key': 'tlm_' + 'x'.repeat(40) } });
    assert.equal(res.statusCode, 401);
    assert.equal(res.json().error.code, 'unauthorized');
  });
});
