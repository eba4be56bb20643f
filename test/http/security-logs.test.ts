// What the server logs must never hold a secret: not an API key (valid, revoked or malformed), not its digest, not
// the operator's admin token, wherever a client puts them (header, URL, body).
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { it } from 'node:test';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { hashSecret } from '../../src/domain/secrets.js';
import { runTelemap } from '../support/cli.js';
import { describeEachDialect } from '../support/harness.js';

const ADMIN_TOKEN = 'admin-token-' + 'S3cr3t'.repeat(6);

describeEachDialect('logs hold no secrets', (h) => {
  it('logs every request at trace level without any key, digest or token', async () => {
    let log = '';
    const stream = new Writable({
      write(chunk: Buffer, _encoding, done) {
        log += chunk.toString();
        done();
      },
    });
    const config = loadConfig({ DATABASE_URL: h.databaseUrl, TELEMAP_ADMIN_TOKEN: ADMIN_TOKEN, LOG_LEVEL: 'trace' });
    const app = await buildApp({ config, database: h.database, logger: { level: 'trace', stream } });
    await app.ready();
    try {
      // Keys made the way an operator makes them: by the CLI.
      const org = JSON.parse((await runTelemap(['org', 'create', '--name', 'Logged', '--json'], h.databaseUrl)).stdout);
      const made = await runTelemap(['key', 'create', '--org', org.organizationId, '--json'], h.databaseUrl);
      const second = JSON.parse(made.stdout);
      const revoked = await runTelemap(['key', 'revoke', second.keyId], h.databaseUrl);
      assert.equal(revoked.code, 0, revoked.stderr);
      const apiKey: string = org.apiKey;
      const secrets: string[] = [apiKey, apiKey.slice(4), hashSecret(apiKey), second.apiKey, second.apiKey.slice(4), hashSecret(second.apiKey), ADMIN_TOKEN];

      const post = (url: string, headers: Record<string, string>, payload: string) =>
        app.inject({ method: 'POST', url, headers: { 'content-type': 'application/json', ...headers }, payload });
      const requests = [
        post('/api/ext-v1/customer/createOrUpdateCustomer', { 'x-api-key': apiKey }, JSON.stringify({ email: 'log@example.com' })),
        post('/api/ext-v1/customer/queryCustomer', { 'x-api-key': apiKey }, JSON.stringify({ email: 'log@example.com' })),
        post('/api/ext-v1/customer/queryCustomer', { 'x-api-key': apiKey }, JSON.stringify({ email: apiKey })),
        post('/api/ext-v1/customer/createOrUpdateCustomer', { 'x-api-key': apiKey }, `{"email": "${apiKey}"`),
        post('/api/ext-v1/customer/createOrUpdateCustomer', { 'x-api-key': apiKey }, JSON.stringify({ email: `${apiKey}@x.io`, name: apiKey })),
        post('/api/ext-v1/customer/queryCustomer', { 'x-api-key': second.apiKey }, '{}'),
        post('/api/ext-v1/customer/queryCustomer', { 'x-api-key': apiKey.slice(0, -2) }, '{}'),
        post(`/api/ext-v1/customer/queryCustomer?apiKey=${apiKey}&token=${ADMIN_TOKEN}`, {}, '{}'),
        app.inject({ method: 'GET', url: `/api/ext-v1/customer/getCustomer/${apiKey}`, headers: { 'x-api-key': apiKey } }),
        app.inject({ method: 'GET', url: `/api/ext-v1/${apiKey}`, headers: { 'x-api-key': apiKey } }),
        app.inject({ method: 'GET', url: `/nowhere/${ADMIN_TOKEN}`, headers: { authorization: `Bearer ${ADMIN_TOKEN}` } }),
        app.inject({ method: 'POST', url: '/v2/integrations/organizations', headers: { authorization: `Bearer ${ADMIN_TOKEN}` }, payload: '{}' }),
        app.inject({ method: 'GET', url: '/api/v1/customers', headers: { authorization: `Bearer ${apiKey}`, 'x-api-key': apiKey } }),
      ];
      const answers = await Promise.all(requests);
      assert.equal(answers[0]!.statusCode, 200, answers[0]!.body);
      assert.equal(answers[5]!.statusCode, 401, 'the revoked key is refused');

      // The integrations surface: an organization's secret, the tokens it is exchanged for, and a key made with one.
      const json = (method: 'GET' | 'POST', url: string, headers: Record<string, string>, body?: unknown) =>
        app.inject({ method, url, headers: { 'content-type': 'application/json', ...headers }, ...(body === undefined ? {} : { payload: JSON.stringify(body) }) });
      const provisioned = await json('POST', '/v2/integrations/customer', { authorization: `Bearer ${ADMIN_TOKEN}` }, {
        CustomerName: 'Logged via v2',
        Email: `v2-${h.dialect}@logs.example`,
      });
      assert.equal(provisioned.statusCode, 200, provisioned.body);
      const { CustomerID, CustomerSecret } = provisioned.json().Data as { CustomerID: string; CustomerSecret: string };
      const exchanged = await json('POST', '/v2/integrations/token', {}, { Id: CustomerID, Secret: CustomerSecret, Entity: 'customer' });
      assert.equal(exchanged.statusCode, 200, exchanged.body);
      const token = exchanged.json().Data as string;
      const wrongSecret = await json('POST', '/v2/integrations/token', {}, { Id: CustomerID, Secret: CustomerSecret + 'x', Entity: 'customer' });
      assert.equal(wrongSecret.statusCode, 401);
      assert.equal((await json('GET', '/v2/integrations/customer', { authorization: `Bearer ${token}` })).statusCode, 200);
      const madeOverV1 = await json('POST', '/api/v1/api-keys', { authorization: `Bearer ${token}` }, { name: 'over v1' });
      assert.equal(madeOverV1.statusCode, 201, madeOverV1.body);
      const v1Key = JSON.stringify(madeOverV1.json()).match(/tlm_[A-Za-z0-9_-]{32,}/)?.[0];
      assert.ok(v1Key, `no key in ${madeOverV1.body}`);
      await json('GET', `/v2/integrations/customer?token=${token}&secret=${CustomerSecret}`, { authorization: `Bearer ${token}x` });
      await json('POST', '/api/ext-v1/customer/queryCustomer', { 'x-api-key': v1Key }, { email: 'v1@logs.example' });
      secrets.push(CustomerSecret, hashSecret(CustomerSecret), token, hashSecret(token), v1Key, hashSecret(v1Key));

      const lines = log.trim().split('\n');
      assert.ok(lines.length >= requests.length + 7, `expected a log line per request, got:\n${log}`);
      for (const secret of secrets) {
        assert.ok(!log.includes(secret), `the log holds a secret (${secret.slice(0, 6)}…):\n${log}`);
      }
    } finally {
      await app.close();
    }
  });
});
