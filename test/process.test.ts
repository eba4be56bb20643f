import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { request } from 'node:http';
import { after, before, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { describeEachDialect } from './support/harness.js';
import { startServer, type ServerProcess } from './support/server-process.js';

describeEachDialect('server process', (h) => {
  let server: ServerProcess;
  before(async () => {
    server = await startServer({ DATABASE_URL: h.databaseUrl });
  });
  after(() => {
    server.child.kill('SIGKILL');
  });

  it('finishes an in-flight request on SIGTERM, then exits 0', async () => {
    const { apiKey } = await h.newOrg();
    const body = JSON.stringify({ email: 'inflight@example.com' });
    const url = new URL('/api/ext-v1/customer/createOrUpdateCustomer', server.baseUrl);
    const response = new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request(url, {
        method: 'POST',
        headers: { 'x-api-key': apiKey, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      });
      req.on('response', (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      });
      req.on('error', reject);
      // Half the body now, the rest after the server was told to stop: the request is in flight across SIGTERM.
      req.write(body.slice(0, 10));
      setTimeout(() => {
        server.child.kill('SIGTERM');
        setTimeout(() => req.end(body.slice(10)), 300);
      }, 300);
    });
    const answered = await response;
    assert.equal(answered.status, 200, answered.body);
    assert.equal(await server.exited, 0);
    assert.match(server.output(), /shutting down/);
    const stored = await h.extPost('/customer/queryCustomer', apiKey, { email: 'inflight@example.com' });
    assert.equal(stored.statusCode, 200);
  });
});

it('refuses to start on bad configuration, listing every problem', () => {
  const main = fileURLToPath(new URL('../src/main.ts', import.meta.url));
  const result = spawnSync(process.execPath, ['--import', 'tsx', main], {
    env: { ...process.env, PORT: 'x', DATABASE_URL: 'mysql://nope', LOG_LEVEL: 'loud' },
    encoding: 'utf8',
  });
  assert.equal(result.status, 2);
  assert.match(result.stderr, /PORT/);
  assert.match(result.stderr, /DATABASE_URL/);
  assert.match(result.stderr, /LOG_LEVEL/);
});
