// A local HTTP server standing in for a webhook receiver: it records every request and answers as the test says.
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before } from 'node:test';

export interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  at: number;
}

/** What to answer: a status (and headers), or 'hang' (never answer). */
export type Answer = { status: number; headers?: Record<string, string>; delayMs?: number } | 'hang';

export interface Receiver {
  readonly url: string;
  readonly port: number;
  readonly received: Received[];
  /** Decides each answer; default 200. */
  answer: (request: Received, index: number) => Answer;
  /** The requests with this webhook-id. */
  byId(id: string): Received[];
  /** Requests currently waiting for their answer. */
  readonly open: number;
  /** The most requests that were open at once per webhook-id. */
  readonly maxConcurrentPerId: number;
  close(): Promise<void>;
}

export async function startReceiver(): Promise<Receiver> {
  const received: Received[] = [];
  const hanging = new Set<ServerResponse>();
  const openPerId = new Map<string, number>();
  let open = 0;
  let maxConcurrentPerId = 0;
  let answer: Receiver['answer'] = () => ({ status: 200 });
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const entry: Received = { path: request.url ?? '/', headers: request.headers, body: Buffer.concat(chunks).toString('utf8'), at: Date.now() };
      const index = received.push(entry) - 1;
      const id = String(request.headers['webhook-id'] ?? '');
      const count = (openPerId.get(id) ?? 0) + 1;
      openPerId.set(id, count);
      maxConcurrentPerId = Math.max(maxConcurrentPerId, count);
      open++;
      const done = () => {
        open--;
        openPerId.set(id, (openPerId.get(id) ?? 1) - 1);
      };
      response.on('close', done);
      const chosen = answer(entry, index);
      if (chosen === 'hang') {
        hanging.add(response);
        return;
      }
      const reply = () => {
        response.writeHead(chosen.status, chosen.headers ?? {});
        response.end('ok');
      };
      if (chosen.delayMs) setTimeout(reply, chosen.delayMs);
      else reply();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    get answer() {
      return answer;
    },
    set answer(next) {
      answer = next;
    },
    url: `http://127.0.0.1:${port}`,
    port,
    received,
    byId: (id: string) => received.filter((r) => r.headers['webhook-id'] === id),
    get open() {
      return open;
    },
    get maxConcurrentPerId() {
      return maxConcurrentPerId;
    },
    close: async () => {
      for (const response of hanging) response.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * A receiver for the tests of the enclosing describe, started in its before() hook and closed in its after() hook,
 * so that each dialect's tests see only their own requests. Like the harness, it may be used only inside a test.
 */
export function receiverForSuite(): Receiver {
  let current: Receiver | undefined;
  before(async () => {
    current = await startReceiver();
  });
  after(async () => {
    await current?.close();
  });
  const started = () => {
    if (!current) throw new Error('receiver used before its before() hook ran');
    return current;
  };
  return new Proxy({} as Receiver, {
    get: (_target, property) => started()[property as keyof Receiver],
    set: (_target, property, value: Receiver['answer']) => {
      if (property !== 'answer') return false;
      started().answer = value;
      return true;
    },
  });
}
