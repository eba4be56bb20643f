import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

// A client's own request id is kept when it is short and plain, so that its logs and ours can be joined;
// anything else could smuggle text into log lines, and is replaced.
const SANE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export function requestIdFor(request: IncomingMessage): string {
  const sent = request.headers['x-request-id'];
  return typeof sent === 'string' && SANE_REQUEST_ID.test(sent) ? sent : randomUUID();
}
