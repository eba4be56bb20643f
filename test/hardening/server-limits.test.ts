// The HTTP server's own limits (issue 23, item 7): a client that sends its request slowly is cut off after the
// request timeout, and connections past the cap are closed on arrival. Only the outcome is asserted, never how long
// it took: the test waits for the server to act.
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { it } from 'node:test';
import { describeDialect } from '../support/harness.js';

function open(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => resolve(socket));
    socket.on('error', reject);
  });
}

/** Everything the server sends until it closes the connection. */
function untilClosed(socket: Socket): Promise<string> {
  return new Promise((resolve) => {
    let text = '';
    socket.on('data', (chunk) => (text += chunk.toString()));
    socket.on('close', () => resolve(text));
    socket.on('error', () => undefined);
  });
}

describeDialect(
  'sqlite',
  'HTTP server limits',
  (h) => {
    it('applies the configured timeouts and connection cap to the server', () => {
      assert.equal(h.app.server.requestTimeout, 3000);
      assert.equal(h.app.server.headersTimeout, 2000);
      assert.equal(h.app.server.keepAliveTimeout, 1500);
      assert.equal(h.app.server.maxConnections, 3);
    });

    it('cuts off a body that arrives too slowly, on an endpoint without authentication', async () => {
      const address = await h.app.listen({ port: 0, host: '127.0.0.1' });
      const port = Number(new URL(address).port);
      const socket = await open(port);
      const closed = untilClosed(socket);
      socket.write('POST /v2/integrations/token HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{');
      // One more byte now and then, as a slow client would, until the server gives up on the request.
      const drip = setInterval(() => socket.writable && socket.write(' '), 500);
      const answer = await closed;
      clearInterval(drip);
      assert.match(answer, /^HTTP\/1\.1 408 /);

      // Connections past the cap are closed without an answer while the others stay open.
      const held = await Promise.all([open(port), open(port), open(port)]);
      const extra = await open(port);
      assert.equal(await untilClosed(extra), '');
      for (const socket of held) socket.destroy();
    });
  },
  {
    env: {
      TELEMAP_REQUEST_TIMEOUT_MS: '3000',
      TELEMAP_HEADERS_TIMEOUT_MS: '2000',
      TELEMAP_KEEP_ALIVE_TIMEOUT_MS: '1500',
      TELEMAP_MAX_CONNECTIONS: '3',
    },
  },
);
