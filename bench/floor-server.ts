// The floor of this machine: a bare node:http server that reads the request and answers a JSON body of the
// requested size from memory. No framework, no database: what any server here can at best reach. The size comes
// from the `x-floor-bytes` request header (the size of the real answer being compared), so one process serves
// every scenario.
import { createServer } from 'node:http';

const bodies = new Map<number, Buffer>();

function bodyOf(size: number): Buffer {
  let body = bodies.get(size);
  if (!body) {
    const filler = Math.max(0, size - '{"floor":""}'.length);
    body = Buffer.from(JSON.stringify({ floor: 'x'.repeat(filler) }));
    bodies.set(size, body);
  }
  return body;
}

const server = createServer((request, response) => {
  request.on('data', () => undefined);
  request.on('end', () => {
    const size = Math.min(Number(request.headers['x-floor-bytes']) || 256, 50 * 1024 * 1024);
    const body = bodyOf(size);
    response.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': body.length });
    response.end(body);
  });
});
server.keepAliveTimeout = 72_000;
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  const address = server.address();
  console.log(`floor listening ${typeof address === 'object' && address ? address.port : ''}`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
