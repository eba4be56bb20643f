// A client that closes its connection mid-body caused the failure itself (issue 23, item 10): it is logged below
// error level, so that operators' alerts on error lines are not set off by clients going away.
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { Writable } from 'node:stream';
import { it } from 'node:test';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { describeDialect } from '../support/harness.js';
import { until } from '../support/until.js';

describeDialect('sqlite', 'client aborts', (h) => {
  it('logs a body cut off by the client at info level, on every surface', async () => {
    const lines: Array<{ level: number; msg: string }> = [];
    const stream = new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString().split('\n')) if (line.trim()) lines.push(JSON.parse(line));
        done();
      },
    });
    const org = await h.newOrg();
    const config = loadConfig({ DATABASE_URL: h.databaseUrl });
    const app = await buildApp({ config, database: h.database, logger: { level: 'info', stream } });
    try {
      const port = Number(new URL(await app.listen({ port: 0, host: '127.0.0.1' })).port);
      // ext-v1 is the surface whose handler met the client's ECONNRESET as an unknown error; the others answer a
      // 4xx without logging.
      let headersRead = false;
      app.server.on('request', () => (headersRead = true));
      const socket = connect(port, '127.0.0.1');
      await new Promise<void>((resolve) => socket.on('connect', resolve));
      socket.write(
        `POST /api/ext-v1/customer/createOrUpdateCustomer HTTP/1.1\r\nHost: x\r\nx-api-key: ${org.apiKey}\r\n` +
          'Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"email": "a',
      );
      const aborted = () => lines.filter((line) => (line as { err?: { code?: string } }).err?.code === 'ECONNRESET');
      // Closed once the server has the headers and is reading the body, so that the abort happens mid-body.
      await until(() => headersRead, 'the server never read the headers', 20_000);
      socket.destroy();
      await until(() => aborted().length > 0, `no line about the aborted request: ${JSON.stringify(lines)}`, 20_000);
      assert.deepEqual(
        aborted().map((line) => [line.level, line.msg]),
        [[30, 'client closed the connection before the request was read']],
      );
      assert.deepEqual(lines.filter((line) => line.level >= 50), [], 'no error-level line');
    } finally {
      await app.close();
    }
  });
});
