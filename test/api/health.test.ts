import assert from 'node:assert/strict';
import { it } from 'node:test';
import { describeEachDialect } from '../support/harness.js';

describeEachDialect('health and API reference', (h) => {
  it('answers liveness and readiness', async () => {
    const live = await h.request({ method: 'GET', url: '/healthz' });
    assert.equal(live.statusCode, 200);
    assert.deepEqual(live.json(), { status: 'ok' });
    const ready = await h.request({ method: 'GET', url: '/readyz' });
    assert.equal(ready.statusCode, 200);
  });

  it('serves OpenAPI 3.1 describing the ext-v1 routes, and the reference page', async () => {
    const doc = (await h.request({ method: 'GET', url: '/openapi.json' })).json();
    assert.equal(doc.openapi, '3.1.0');
    assert.ok(doc.paths['/api/ext-v1/customer/createOrUpdateCustomer'].post);
    assert.ok(doc.paths['/api/ext-v1/customer/getCustomer/{telemetronCustomerId}'].get);
    const page = await h.request({ method: 'GET', url: '/docs/' });
    assert.equal(page.statusCode, 200);
    assert.match(page.headers['content-type'] as string, /text\/html/);
  });

  it('answers unknown paths outside the surfaces in the /api/v1 error format', async () => {
    const res = await h.request({ method: 'GET', url: '/no/such/path' });
    assert.equal(res.statusCode, 404);
    assert.deepEqual(res.json(), { error: { code: 'not_found', message: 'Not found', requestId: res.headers['x-request-id'] } });
  });
});
