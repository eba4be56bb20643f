// `npm run bench -- --stall`: how long the largest request each endpoint accepts (and the largest it refuses) holds
// the server's event loop. While one such request runs, a second connection asks /healthz again and again; the
// longest /healthz wait is how long any other client would have waited. The rule (docs/security.md): no request,
// whatever it sends, takes the server's attention for more than about 100 ms.
//
// Each request is sent `repeat` times, one at a time; the table reports the longest /healthz wait over them, the
// request's own duration, and the /healthz wait with the server idle. On a machine shared with other work, the idle
// figure shows how much of a wait is the machine's, not the request's.
import { request as httpRequest, Agent } from 'node:http';
import { randomUUID } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import type { Seeded } from './seed.js';
import { loadavg, cpus } from 'node:os';
import { fileTime, writeResult } from './results.js';
import { buildDist, startSeededServer } from './seeded-server.js';
import { printMarkdown } from './tables.js';

export interface StallRow {
  endpoint: string;
  request: string;
  status: number;
  bodyBytes: number;
  requestMs: number;
  /** The longest /healthz wait while the request ran, over every repetition. */
  longestHealthzMs: number;
}

interface Probe {
  endpoint: string;
  request: string;
  method: 'GET' | 'POST' | 'DELETE';
  path: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** Send a Content-Length this large and no body: a refusal that must come before the body is read. */
  declaredLength?: number;
}

const EXT = '/api/ext-v1';
const MAX = 1000;

/** A metadata object whose JSON is at most `bytes` long: entries of `"k000000":"<90 × x>",`, 103 bytes each. */
function filler(bytes: number): Record<string, string> {
  const out: Record<string, string> = {};
  const value = 'x'.repeat(90);
  for (let i = 0; (i + 1) * 103 < bytes; i++) out[`k${String(i).padStart(6, '0')}`] = value;
  return out;
}

/**
 * The text `make(n)` with the largest `n` whose UTF-8 is at most `bytes` long, for a text that grows by `perUnit`
 * bytes with each unit of `n` (a filler inside each of many readings).
 */
function fitted(bytes: number, perUnit: number, make: (n: number) => string): string {
  const n = Math.floor((bytes - Buffer.byteLength(make(0))) / perUnit);
  return make(n);
}

function send(base: string, probe: Probe, agent: Agent): Promise<{ status: number; ms: number }> {
  return new Promise((resolve) => {
    const started = performance.now();
    const headers: Record<string, string | number> = { 'content-type': 'application/json', ...probe.headers };
    if (probe.declaredLength !== undefined) headers['content-length'] = probe.declaredLength;
    else if (probe.body !== undefined) headers['content-length'] = Buffer.byteLength(probe.body);
    const req = httpRequest(`${base}${probe.path}`, { method: probe.method, headers, agent }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, ms: performance.now() - started }));
    });
    // The server may answer and close before the whole body is sent (a refusal): what matters is that it answered.
    req.on('error', () => resolve({ status: 0, ms: performance.now() - started }));
    if (probe.declaredLength !== undefined) req.flushHeaders();
    else req.end(probe.body);
  });
}

/** Asks /healthz back to back until `stop()`; the longest single wait. */
function pollHealthz(base: string) {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  let longest = 0;
  let running = true;
  const loop = (async () => {
    while (running) {
      const { ms } = await send(base, { endpoint: '', request: '', method: 'GET', path: '/healthz' }, agent);
      longest = Math.max(longest, ms);
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
      agent.destroy();
      return longest;
    },
  };
}

async function measure(base: string, probe: Probe, repeat: number): Promise<StallRow> {
  const agent = new Agent({ keepAlive: false });
  let longest = 0;
  let slowest = 0;
  let status = 0;
  for (let i = 0; i < repeat; i++) {
    const poll = pollHealthz(base);
    // Let the poller's first request through, so that it is waiting on the server when the big one arrives.
    await new Promise((resolve) => setTimeout(resolve, 20));
    const result = await send(base, probe, agent);
    longest = Math.max(longest, await poll.stop());
    slowest = Math.max(slowest, result.ms);
    if (i === 0) status = result.status;
  }
  agent.destroy();
  return {
    endpoint: probe.endpoint,
    request: probe.request,
    status,
    bodyBytes: probe.declaredLength ?? (probe.body === undefined ? 0 : Buffer.byteLength(probe.body)),
    requestMs: Math.round(slowest * 10) / 10,
    longestHealthzMs: Math.round(longest * 10) / 10,
  };
}

async function json(base: string, method: string, path: string, apiKey: string, body?: unknown): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { 'x-api-key': apiKey, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: await res.json().catch(() => null) };
}

/** The probes: for every endpoint, the largest request it accepts, and the largest refusals. */
async function probes(base: string, seeded: Seeded): Promise<Probe[]> {
  const key = { 'x-api-key': seeded.apiKey };
  const run = randomUUID().slice(0, 8);
  const hub = `hub-${run}@bench.example`;
  const hubDevices = Array.from({ length: MAX }, (_, i) => `HUB-${run}-${i}`);
  // A customer owning 1000 devices: the largest answer getCustomer, queryCustomer and /api/v1 customers/:id give.
  const made = await json(base, 'POST', `${EXT}/deviceAssignment/assignDevicesToOwner`, seeded.apiKey, {
    customerEmail: hub,
    deviceIdentifiers: hubDevices,
    autoCreateDevices: true,
    deviceType: 'hub',
  });
  if (made.status !== 200) throw new Error(`setting up the hub customer: ${made.status} ${JSON.stringify(made.body)}`);
  const hubId = (made.body as { customerId: string }).customerId;
  const deviceIds = (made.body as { assignedDevices: Array<{ deviceId: string }> }).assignedDevices.map((d) => d.deviceId);
  const ticket = await json(base, 'POST', `${EXT}/ticket/createTicket`, seeded.apiKey, { title: 'Stall probe', customerEmail: hub });
  const ticketId = (ticket.body as { ticketId: string }).ticketId;
  const token = await json(base, 'POST', `/api/v1/devices/${deviceIds[0]}/token`, seeded.apiKey, {});
  if (token.status !== 201) throw new Error(`issuing a device token: ${token.status} ${JSON.stringify(token.body)}`);
  const deviceToken = { authorization: `Bearer ${(token.body as { token: string }).token}` };

  const MiB = 1024 * 1024;
  const bulk10MiB: Record<string, unknown> = {};
  for (let i = 0; i < MAX; i++) bulk10MiB[hubDevices[i]!] = filler((10 * MiB) / MAX - 64);
  const bulkRefused: Record<string, unknown> = {};
  for (let i = 0; i < 20_000; i++) bulkRefused[String(100000 + i)] = filler(400);
  const newEmails = Array.from({ length: MAX }, (_, i) => `new-${run}-${i}@bench.example`);
  const messages = Array.from({ length: MAX }, (_, i) => ({ role: i % 2 ? 'agent' : 'customer', content: 'm'.repeat(900) }));
  // Telemetry: as many readings as a request may carry (10,000), as large as its body limit lets them be. Readings
  // are spread over 100 of the hub's devices, a second apart, each key a string.
  const readingsAt = Date.now() - 86_400_000;
  const batchJson = (readings: number) =>
    fitted(10 * MiB - 64, readings, (n) => {
      const v = JSON.stringify('r'.repeat(n));
      const byDevice = new Map<string, string[]>();
      for (let i = 0; i < readings; i++) {
        const device = hubDevices[i % 100]!;
        byDevice.set(device, [...(byDevice.get(device) ?? []), `{"ts":${readingsAt + i * 1000},"values":{"state":${v}}}`]);
      }
      return `{${[...byDevice].map(([device, list]) => `${JSON.stringify(device)}:[${list.join(',')}]`).join(',')}}`;
    });
  const batchCsv = fitted(10 * MiB - 64, MAX * 10, (n) => {
    const v = 'r'.repeat(n);
    const lines = Array.from({ length: MAX * 10 }, (_, i) => `${hubDevices[i % 100]},${readingsAt + i * 1000},state,${v}`);
    return `device,ts,key,value\n${lines.join('\n')}\n`;
  });
  // A device's own path: 10,000 readings within its 1 MiB.
  const deviceReadings = fitted(MiB - 64, MAX * 10, (n) => {
    const v = JSON.stringify('r'.repeat(n));
    return `[${Array.from({ length: MAX * 10 }, (_, i) => `{"ts":${readingsAt + i * 1000},"values":{"s":${v}}}`).join(',')}]`;
  });

  return [
    { endpoint: 'ext-v1 getCustomer', request: 'customer owning 1000 devices', method: 'GET', path: `${EXT}/customer/getCustomer/${hubId}`, headers: key },
    { endpoint: 'ext-v1 queryCustomer', request: 'customer owning 1000 devices', method: 'POST', path: `${EXT}/customer/queryCustomer`, headers: key, body: JSON.stringify({ email: hub }) },
    {
      endpoint: 'ext-v1 createOrUpdateCustomer',
      request: '1 MiB of metadata',
      method: 'POST',
      path: `${EXT}/customer/createOrUpdateCustomer`,
      headers: key,
      body: JSON.stringify({ email: `meta-${run}@bench.example`, metadata: filler(MiB - 1024) }),
    },
    {
      endpoint: 'ext-v1 device',
      request: '1 MiB of metadata',
      method: 'POST',
      path: `${EXT}/device`,
      headers: key,
      body: JSON.stringify({ identifier: `META-${run}`, type: 'meter', metadata: filler(MiB - 1024) }),
    },
    { endpoint: 'ext-v1 bulk-metadata', request: '1000 devices, 10 MiB', method: 'POST', path: `${EXT}/device/bulk-metadata`, headers: key, body: JSON.stringify({ devices: bulk10MiB }) },
    { endpoint: 'ext-v1 bulk-metadata', request: 'refused: 20000 devices, 10 MiB', method: 'POST', path: `${EXT}/device/bulk-metadata`, headers: key, body: JSON.stringify({ devices: bulkRefused }) },
    { endpoint: 'ext-v1 bulk-metadata', request: 'refused: Content-Length 20 MiB', method: 'POST', path: `${EXT}/device/bulk-metadata`, headers: key, declaredLength: 20 * MiB },
    {
      endpoint: 'ext-v1 assignDeviceToOwners',
      request: '1000 new customers',
      method: 'POST',
      path: `${EXT}/deviceAssignment/assignDeviceToOwners`,
      headers: key,
      body: JSON.stringify({ deviceIdentifier: `OWNED-${run}`, customerEmails: newEmails, autoCreateDevice: true, deviceType: 'hub' }),
    },
    {
      endpoint: 'ext-v1 assignDeviceToOwners',
      request: 'refused: 20000 emails',
      method: 'POST',
      path: `${EXT}/deviceAssignment/assignDeviceToOwners`,
      headers: key,
      body: JSON.stringify({ deviceIdentifier: `OWNED-${run}`, customerEmails: Array.from({ length: 20_000 }, (_, i) => `x${i}@bench.example`) }),
    },
    {
      endpoint: 'ext-v1 assignDevicesToOwner',
      request: '1000 new devices',
      method: 'POST',
      path: `${EXT}/deviceAssignment/assignDevicesToOwner`,
      headers: key,
      body: JSON.stringify({ customerEmail: `owner-${run}@bench.example`, deviceIdentifiers: Array.from({ length: MAX }, (_, i) => `NEW-${run}-${i}`), autoCreateDevices: true, deviceType: 'meter' }),
    },
    {
      endpoint: 'ext-v1 unassignDevicesFromOwner',
      request: '1000 devices (the hub\'s)',
      method: 'POST',
      path: `${EXT}/deviceAssignment/unassignDevicesFromOwner`,
      headers: key,
      body: JSON.stringify({ customerEmail: hub, deviceIdentifiers: hubDevices }),
    },
    {
      endpoint: 'ext-v1 unassignDeviceFromOwner',
      request: 'one device',
      method: 'POST',
      path: `${EXT}/deviceAssignment/unassignDeviceFromOwner`,
      headers: key,
      body: JSON.stringify({ customerEmail: seeded.sample[0]!.email, deviceIdentifier: seeded.sample[0]!.device }),
    },
    {
      endpoint: 'ext-v1 createTicket',
      request: '1000 messages, ~1 MiB',
      method: 'POST',
      path: `${EXT}/ticket/createTicket`,
      headers: key,
      body: JSON.stringify({ title: 'Long conversation', customerEmail: hub, messages }),
    },
    {
      endpoint: '/api/v1 telemetry/batch',
      request: '10000 readings, JSON, 10 MiB',
      method: 'POST',
      path: '/api/v1/telemetry/batch',
      headers: key,
      body: batchJson(MAX * 10),
    },
    {
      endpoint: '/api/v1 telemetry/batch',
      request: '10000 readings, CSV gzip, 10 MiB inflated',
      method: 'POST',
      path: '/api/v1/telemetry/batch',
      headers: { ...key, 'content-type': 'text/csv', 'content-encoding': 'gzip' },
      body: gzipSync(batchCsv),
    },
    {
      endpoint: '/api/v1 telemetry/batch',
      request: 'refused: 10001 readings, JSON, 10 MiB',
      method: 'POST',
      path: '/api/v1/telemetry/batch',
      headers: key,
      body: batchJson(MAX * 10 + 1),
    },
    {
      endpoint: '/api/v1 telemetry',
      request: '10000 readings of one device, 1 MiB',
      method: 'POST',
      path: '/api/v1/telemetry',
      headers: deviceToken,
      body: deviceReadings,
    },
    { endpoint: '/api/v1 customers', request: 'limit=100, q matching every customer', method: 'GET', path: '/api/v1/customers?limit=100&q=bench', headers: key },
    { endpoint: '/api/v1 customers', request: 'limit=100, q matching none', method: 'GET', path: '/api/v1/customers?limit=100&q=zzzz-nothing', headers: key },
    { endpoint: '/api/v1 customers/:id', request: 'customer owning 1000 devices', method: 'GET', path: `/api/v1/customers/${hubId}`, headers: key },
    { endpoint: '/api/v1 devices', request: 'limit=100, q matching none', method: 'GET', path: '/api/v1/devices?limit=100&q=zzzz-nothing', headers: key },
    { endpoint: '/api/v1 devices/:id/assignments', request: 'limit=100', method: 'GET', path: `/api/v1/devices/${deviceIds[0]}/assignments?limit=100`, headers: key },
    { endpoint: '/api/v1 tickets', request: 'limit=100', method: 'GET', path: '/api/v1/tickets?limit=100', headers: key },
    { endpoint: '/api/v1 tickets/:id', request: 'ticket', method: 'GET', path: `/api/v1/tickets/${ticketId}`, headers: key },
    { endpoint: '/api/v1 tickets/:id/replies', request: '20000-character reply', method: 'POST', path: `/api/v1/tickets/${ticketId}/replies`, headers: key, body: JSON.stringify({ content: 'r'.repeat(20_000) }) },
    { endpoint: '/api/v1 tickets/:id/status', request: 'resolve', method: 'POST', path: `/api/v1/tickets/${ticketId}/status`, headers: key, body: JSON.stringify({ status: 'resolved' }) },
    {
      endpoint: '/api/v1 tickets/:id/replies',
      request: 'refused: 1 MiB reply',
      method: 'POST',
      path: `/api/v1/tickets/${ticketId}/replies`,
      headers: key,
      body: JSON.stringify({ content: 'r'.repeat(MiB - 64) }),
    },
    {
      endpoint: '/v2/integrations token',
      request: 'wrong secret, 1 MiB body',
      method: 'POST',
      path: '/v2/integrations/token',
      body: JSON.stringify({ Id: randomUUID(), Secret: 's'.repeat(MiB - 200), Entity: 'customer' }),
    },
    { endpoint: '/v2/integrations customer', request: 'no credentials', method: 'GET', path: '/v2/integrations/customer' },
    {
      endpoint: 'dashboard /login',
      request: 'wrong password (scrypt), 60 KiB form',
      method: 'POST',
      path: '/login',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: 'telemap_login_csrf=t' },
      body: `_csrf=t&email=nobody%40bench.example&password=${'p'.repeat(1000)}&next=${'n'.repeat(60_000)}`,
    },
    { endpoint: 'dashboard /login', request: 'GET the form', method: 'GET', path: '/login' },
  ];
}

/** Measures every probe against the server at `base`; the idle /healthz wait first. */
export async function measureStalls(base: string, seeded: Seeded, repeat = 3): Promise<{ idleHealthzMs: number; rows: StallRow[] }> {
  const idle = pollHealthz(base);
  await new Promise((resolve) => setTimeout(resolve, 2000));
  const idleHealthzMs = Math.round((await idle.stop()) * 10) / 10;
  const rows: StallRow[] = [];
  for (const probe of await probes(base, seeded)) {
    const row = await measure(base, probe, repeat);
    console.log(`  ${row.endpoint} · ${row.request}: ${row.status}, request ${row.requestMs} ms, longest /healthz ${row.longestHealthzMs} ms`);
    rows.push(row);
  }
  return { idleHealthzMs, rows };
}

export interface StallBenchOptions {
  dialect: 'sqlite' | 'postgres';
  /** Customers of the server's database. */
  seed: number;
  logLevel: string;
  skipBuild: boolean;
}

/** `--stall`: measureStalls' table against a seeded server, written under bench/results/ like the load runs. */
export async function runStallBench(options: StallBenchOptions): Promise<void> {
  if (!options.skipBuild) buildDist();
  const server = await startSeededServer({ dialect: options.dialect, count: options.seed, name: 'telemap', logLevel: options.logLevel });
  try {
    console.log('largest requests, one at a time, with /healthz asked alongside …');
    const { idleHealthzMs, rows } = await measureStalls(server.base, server.seeded);
    console.log(`\n/healthz with the server idle: longest wait ${idleHealthzMs} ms (${cpus().length} CPUs; machine load ${loadavg()[0]!.toFixed(2)})\n`);
    printMarkdown(
      ['endpoint', 'request', 'status', 'body bytes', 'request ms', 'longest /healthz ms'],
      rows.map((r) => [r.endpoint, r.request, String(r.status), String(r.bodyBytes), String(r.requestMs), String(r.longestHealthzMs)]),
    );
    const result = { dialect: options.dialect, seed: options.seed, idleHealthzMs, loadAverage: loadavg(), rows };
    writeResult(`stall-${options.dialect}-${fileTime(new Date().toISOString())}.json`, result);
  } finally {
    await server.stop();
  }
}
