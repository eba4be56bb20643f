import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import Fastify, { type FastifyInstance } from 'fastify';
import { concurrencyLimit } from '../../src/http/concurrency-limit.js';
import { until as polledUntil } from '../support/until.js';

// The mechanism on a bare Fastify route whose handler waits until the test lets it finish, over a real port so
// that clients can go away mid-request. What it does to bulk-metadata's answers is in test/api/ext-v1/.
describe('concurrencyLimit', () => {
  let app: FastifyInstance;
  let port: number;
  let running = 0;
  let mostRunning = 0;
  const finishers: Array<() => void> = [];
  const bodiesRead: string[] = [];

  before(async () => {
    app = Fastify();
    const limit = concurrencyLimit(2);
    app.post(
      '/limited',
      { onRequest: limit.onRequest },
      limit.handler(async (request) => {
        bodiesRead.push((request.body as { n: string }).n);
        running++;
        mostRunning = Math.max(mostRunning, running);
        await new Promise<void>((resolve) => finishers.push(resolve));
        running--;
        return { n: (request.body as { n: string }).n };
      }),
    );
    await app.listen({ port: 0, host: '127.0.0.1' });
    port = (app.server.address() as AddressInfo).port;
  });
  after(() => app.close());

  /** Sends a request (`n` as JSON, or `raw` text as it is); `abort` destroys it from the client side. */
  function send(n: string, raw?: string) {
    let abort = () => {};
    const answer = new Promise<{ status: number; body: string } | 'aborted'>((resolve) => {
      const req = httpRequest({ port, host: '127.0.0.1', method: 'POST', path: '/limited', headers: { 'content-type': 'application/json' } }, (res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => (body += chunk.toString()));
        res.on('end', () => resolve({ status: res.statusCode!, body }));
      });
      req.on('error', () => resolve('aborted'));
      req.end(raw ?? JSON.stringify({ n }));
      abort = () => req.destroy();
    });
    return { answer, abort: () => abort() };
  }

  const until = (condition: () => boolean) => polledUntil(condition, 'condition not reached within 2 s', 2000);
  const finishOne = () => finishers.shift()!();
  /** Two requests run at once and are answered: no place was lost. */
  const bothPlacesAreFree = async () => {
    const f = send('f');
    const g = send('g');
    await until(() => running === 2);
    finishOne();
    finishOne();
    assert.deepEqual(await f.answer, { status: 200, body: '{"n":"f"}' });
    assert.deepEqual(await g.answer, { status: 200, body: '{"n":"g"}' });
  };

  it('runs at most the limit at once, the rest in arrival order, and gives back the places of clients that left', async () => {
    const a = send('a');
    await until(() => running === 1);
    const b = send('b');
    await until(() => running === 2);
    const c = send('c');
    const d = send('d');
    const e = send('e');
    // c, d and e wait unread: their bodies are not parsed yet.
    await new Promise((r) => setTimeout(r, 100));
    assert.deepEqual(bodiesRead, ['a', 'b']);

    // A client that goes away while waiting leaves the queue. One that goes away while its handler runs keeps its
    // place until the handler is done: the work it started is still going on.
    d.abort();
    assert.equal(await d.answer, 'aborted');
    a.abort();
    assert.equal(await a.answer, 'aborted');
    await new Promise((r) => setTimeout(r, 100));
    assert.deepEqual(bodiesRead, ['a', 'b']);
    finishOne(); // a's handler, whose client is gone
    await until(() => bodiesRead.length === 3);
    assert.deepEqual(bodiesRead, ['a', 'b', 'c']);

    finishOne(); // b
    assert.deepEqual(await b.answer, { status: 200, body: '{"n":"b"}' });
    await until(() => bodiesRead.length === 4);
    assert.deepEqual(bodiesRead, ['a', 'b', 'c', 'e']);
    finishOne(); // c
    finishOne(); // e
    assert.deepEqual(await c.answer, { status: 200, body: '{"n":"c"}' });
    assert.deepEqual(await e.answer, { status: 200, body: '{"n":"e"}' });
    assert.equal(mostRunning, 2);

    await bothPlacesAreFree();
  });

  it('gives back the place of a request refused before its handler ran', async () => {
    const refused = await Promise.all([send('x', '{not json'), send('y', '{not json'), send('z', '[')].map((r) => r.answer));
    assert.deepEqual(
      refused.map((r) => r !== 'aborted' && r.status),
      [400, 400, 400],
    );
    await bothPlacesAreFree();
  });

  it('gives places back under app.inject too, which the other tests of the endpoints use', async () => {
    for (let i = 0; i < 3; i++) {
      const refused = await app.inject({ method: 'POST', url: '/limited', headers: { 'content-type': 'application/json' }, payload: '{not json' });
      assert.equal(refused.statusCode, 400);
    }
    const answered = app.inject({ method: 'POST', url: '/limited', headers: { 'content-type': 'application/json' }, payload: '{"n":"i"}' });
    await until(() => running === 1);
    finishOne();
    assert.equal((await answered).body, '{"n":"i"}');
    await bothPlacesAreFree();
  });
});

// Authentication runs before the limit and may wait for the database; a client that leaves meanwhile must not take
// a place for good (two such requests once left every later bulk request waiting for ever).
describe('concurrencyLimit after a hook that waits', () => {
  it('gives no place to a request whose client left before it reached the limit', { timeout: 20_000 }, async () => {
    const app = Fastify();
    const limit = concurrencyLimit(2);
    let authenticating = 0;
    const letAuthenticate: Array<() => void> = [];
    const slowAuthentication = async () => {
      authenticating++;
      await new Promise<void>((resolve) => letAuthenticate.push(resolve));
    };
    app.post('/limited', { onRequest: [slowAuthentication, limit.onRequest] }, limit.handler(async () => ({ ok: true })));
    await app.listen({ port: 0, host: '127.0.0.1' });
    const port = (app.server.address() as AddressInfo).port;
    const send = () => {
      const req = httpRequest({ port, host: '127.0.0.1', method: 'POST', path: '/limited', headers: { 'content-type': 'application/json' } });
      const answer = new Promise<number | 'aborted'>((resolve) => {
        req.on('response', (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode!));
        });
        req.on('error', () => resolve('aborted'));
      });
      req.end('{}');
      return { answer, abort: () => req.destroy() };
    };
    try {
      const gone = [send(), send()];
      await polledUntil(() => authenticating === 2, 'the requests did not reach authentication', 2000);
      for (const request of gone) request.abort();
      await Promise.all(gone.map((request) => request.answer));
      // Give Node the turn in which it notices the closed sockets, then let authentication finish.
      await new Promise((resolve) => setTimeout(resolve, 50));
      letAuthenticate.splice(0).forEach((resolve) => resolve());

      const later = [send(), send()];
      await polledUntil(() => letAuthenticate.length === 2, 'the later requests did not reach authentication', 2000);
      letAuthenticate.splice(0).forEach((resolve) => resolve());
      assert.deepEqual(await Promise.all(later.map((request) => request.answer)), [200, 200]);
    } finally {
      await app.close();
    }
  });
});
