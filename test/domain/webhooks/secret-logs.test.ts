// A webhook's signing secret is shown once, in the 201, and never written to the logs, even at trace level and
// while deliveries run and fail (support loop §6.2).
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { it } from 'node:test';
import { buildApp } from '../../../src/app.js';
import { loadConfig } from '../../../src/config.js';
import { describeEachDialect } from '../../support/harness.js';
import { startReceiver } from '../../support/webhook-receiver.js';
import { until } from '../../support/until.js';

describeEachDialect('webhook secrets stay out of the logs', (h) => {
  it('logs nothing of the secret while creating, listing, testing and delivering', async () => {
    let log = '';
    const stream = new Writable({
      write(chunk: Buffer, _encoding, done) {
        log += chunk.toString();
        done();
      },
    });
    const config = loadConfig({ DATABASE_URL: h.databaseUrl, LOG_LEVEL: 'trace', TELEMAP_WEBHOOK_ALLOW_PRIVATE: 'true' });
    const app = await buildApp({ config, database: h.database, logger: { level: 'trace', stream }, outbox: { pollIntervalMs: 50, retryPolicy: { delaysMs: [100], giveUpAfterMs: 3600_000, maxRetryAfterMs: 3600_000 } } });
    await app.ready();
    const receiver = await startReceiver();
    try {
      const { apiKey } = await h.newOrg();
      const headers = { 'x-api-key': apiKey };
      const created = await app.inject({ method: 'POST', url: '/api/v1/webhooks', headers: { ...headers, 'content-type': 'application/json' }, payload: JSON.stringify({ url: `${receiver.url}/logged` }) });
      assert.equal(created.statusCode, 201);
      const { id, secret } = created.json() as { id: string; secret: string };
      receiver.answer = () => ({ status: 500 });
      await app.inject({ method: 'GET', url: '/api/v1/webhooks', headers });
      await app.inject({ method: 'POST', url: `/api/v1/webhooks/${id}/test`, headers });
      await until(() => receiver.received.length >= 2, `${receiver.received.length} attempts`, 15_000);
      assert.ok(log.length > 0, 'nothing was logged');
      for (const piece of [secret, secret.slice('whsec_'.length)]) assert.ok(!log.includes(piece), 'the secret is in the logs');
    } finally {
      await app.close();
      await receiver.close();
    }
  });
}, { env: { TELEMAP_WEBHOOK_ALLOW_PRIVATE: 'true' }, outbox: { retryPolicy: { delaysMs: [100], giveUpAfterMs: 3600_000, maxRetryAfterMs: 3600_000 } } });
