// Sends one webhook request with node:http(s): to the address that was checked (address-guard.ts), with a hard
// deadline on the whole exchange, and without following redirects (node:http never does; a 3xx is a failure).
import { lookup as dnsLookup } from 'node:dns/promises';
import http from 'node:http';
import https from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { isPrivateAddress } from './address-guard.js';

export interface ResolvedAddress {
  address: string;
  family: number;
}

/** Every address a name resolves to (tests pass their own, to make a name resolve to loopback). */
export type ResolveAll = (hostname: string) => Promise<ResolvedAddress[]>;

export const resolveWithDns: ResolveAll = (hostname) => dnsLookup(hostname, { all: true, verbatim: true });

export interface SendOptions {
  timeoutMs: number;
  allowPrivate: boolean;
  resolve: ResolveAll;
  /** Aborts the request (the server is stopping). */
  signal?: AbortSignal;
}

export type SendResult =
  | { kind: 'response'; status: number; retryAfter: string | undefined }
  | { kind: 'error'; error: string };

const USER_AGENT = 'Telemap-Webhooks/1';

// Connections are kept and reused per host and port: opening one per attempt capped deliveries at the rate of new
// connections. A reused connection goes to an address that was checked when it was opened, and every attempt
// checks the name's current addresses before it is sent, so reuse lets nothing through that the check refuses.
const httpAgent = new http.Agent({ keepAlive: true, maxSockets: 32, timeout: 30_000 });
const httpsAgent = new https.Agent({ keepAlive: true, maxSockets: 32, timeout: 30_000 });

export async function sendWebhook(
  url: string,
  headers: Record<string, string>,
  body: string,
  options: SendOptions,
): Promise<SendResult> {
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    return { kind: 'error', error: 'The URL is not valid' };
  }
  if (target.protocol !== 'http:' && target.protocol !== 'https:') return { kind: 'error', error: 'Only http and https URLs are allowed' };
  const hostname = target.hostname.replace(/^\[(.*)\]$/, '$1');

  let addresses: ResolvedAddress[];
  if (isIP(hostname)) {
    addresses = [{ address: hostname, family: isIP(hostname) }];
  } else {
    try {
      addresses = await options.resolve(hostname);
    } catch (error) {
      return { kind: 'error', error: `Could not resolve ${hostname}: ${(error as { code?: string }).code ?? 'lookup failed'}` };
    }
  }
  if (addresses.length === 0) return { kind: 'error', error: `Could not resolve ${hostname}` };
  if (!options.allowPrivate) {
    const blocked = addresses.find((a) => isPrivateAddress(a.address));
    if (blocked) {
      return {
        kind: 'error',
        error: `Refused: ${hostname} resolves to ${blocked.address}, a private or special-purpose address`,
      };
    }
  }
  const vetted = addresses[0]!;
  // Whatever the socket asks for, it gets the vetted address: no second resolution can differ from the first.
  const pinnedLookup: LookupFunction = (_host, lookupOptions, callback) => {
    if ((lookupOptions as { all?: boolean }).all) {
      (callback as unknown as (e: null, a: ResolvedAddress[]) => void)(null, [vetted]);
    } else {
      callback(null, vetted.address, vetted.family);
    }
  };

  const secure = target.protocol === 'https:';
  const send = secure ? https.request : http.request;
  return new Promise<SendResult>((resolve) => {
    let settled = false;
    const settle = (result: SendResult) => {
      if (settled) return;
      settled = true;
      resolve(result);
    };
    const request = send({
      protocol: target.protocol,
      hostname,
      port: target.port || undefined,
      path: `${target.pathname}${target.search}`,
      method: 'POST',
      headers: {
        ...headers,
        'content-type': 'application/json',
        'content-length': String(Buffer.byteLength(body)),
        'user-agent': USER_AGENT,
      },
      auth: target.username ? `${decodeURIComponent(target.username)}:${decodeURIComponent(target.password)}` : undefined,
      lookup: pinnedLookup,
      agent: secure ? httpsAgent : httpAgent,
      signal: options.signal,
    });
    // One deadline for the whole exchange, the answer's body included (a body that never ends would hold the
    // connection): past it the request and its connection are destroyed.
    const deadline = setTimeout(() => {
      settle({ kind: 'error', error: `No answer within ${options.timeoutMs / 1000} s` });
      request.destroy();
    }, options.timeoutMs);
    request.on('response', (response) => {
      settle({ kind: 'response', status: response.statusCode ?? 0, retryAfter: response.headers['retry-after'] });
      // The body is not needed, only read to its end so that the connection can serve the next attempt.
      response.on('end', () => clearTimeout(deadline));
      response.on('error', () => clearTimeout(deadline));
      response.resume();
    });
    request.on('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(deadline);
      settle({ kind: 'error', error: describeNetworkError(error) });
    });
    request.end(body);
  });
}

function describeNetworkError(error: NodeJS.ErrnoException): string {
  if (error.name === 'AbortError') return 'Interrupted: the server was stopping';
  switch (error.code) {
    case 'ECONNREFUSED':
      return 'Connection refused';
    case 'ECONNRESET':
      return 'Connection reset by the endpoint';
    case 'ETIMEDOUT':
      return 'Connection timed out';
    default:
      return error.code ? `Network error (${error.code})` : 'Network error';
  }
}
