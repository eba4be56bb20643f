// The HTTP benchmark's scenarios (`npm run bench`, `--count`): what each sends, built from a seeded database's
// sample, and the probe that checks a scenario against the real server before it is loaded.
import type { Requests } from './load.js';
import { deviceOf, type Seeded } from './seed.js';

export interface Scenario {
  name: string;
  kind: 'read' | 'write' | 'bulk';
  method: 'GET' | 'POST';
  paths: string[];
  bodies?: string[];
  connections?: number;
  /** Load sent alongside, whose requests are not counted (load.ts). */
  background?: Requests;
}

const EXT = '/api/ext-v1';

/** Every scenario, or those whose names start with one of `only`. */
export function httpScenarios(seeded: Seeded, only?: readonly string[]): Scenario[] {
  const s = seeded.sample;
  const bulkBodies: string[] = [];
  for (let b = 0; b < 16; b++) {
    const start = (b * 997) % Math.max(1, seeded.count - 1000);
    const devices: Record<string, unknown> = {};
    for (let i = 0; i < Math.min(1000, seeded.count); i++) devices[deviceOf(start + i)] = { firmware: `1.${b}.${i}`, batch: b };
    bulkBodies.push(JSON.stringify({ devices }));
  }
  const customerPaths = s.map((c) => `${EXT}/customer/getCustomer/${c.id}`);
  const ticketBodies = s.map((c) => JSON.stringify({ title: 'Sensor offline', description: 'No readings since noon', priority: 'high', customerEmail: c.email }));
  const list: Scenario[] = [
    { name: 'getCustomer', kind: 'read', method: 'GET', paths: customerPaths },
    { name: 'queryCustomer', kind: 'read', method: 'POST', paths: [`${EXT}/customer/queryCustomer`], bodies: s.map((c) => JSON.stringify({ email: c.email })) },
    {
      name: 'createOrUpdateCustomer (update)',
      kind: 'write',
      method: 'POST',
      paths: [`${EXT}/customer/createOrUpdateCustomer`],
      bodies: s.map((c, i) => JSON.stringify({ email: c.email, telemetronCustomerId: c.id, name: `Customer ${c.index} v${i % 7}` })),
    },
    {
      name: 'assignDeviceToOwners (existing pair)',
      kind: 'write',
      method: 'POST',
      paths: [`${EXT}/deviceAssignment/assignDeviceToOwners`],
      bodies: s.map((c) => JSON.stringify({ deviceIdentifier: c.device, customerEmails: [c.email] })),
    },
    {
      name: 'createTicket',
      kind: 'write',
      method: 'POST',
      paths: [`${EXT}/ticket/createTicket`],
      bodies: ticketBodies,
    },
    {
      // What a write load does to reads in the same process: until the server stopped checkpointing on its event
      // loop, every 600 ms of this stalled every request for 15-20 ms (docs/performance/experiments.md).
      name: 'mixed: getCustomer (4 connections) during createTicket (32)',
      kind: 'read',
      method: 'GET',
      paths: customerPaths,
      connections: 4,
      background: { method: 'POST', paths: [`${EXT}/ticket/createTicket`], bodies: ticketBodies, connections: 32 },
    },
    { name: 'bulk-metadata 1000 devices', kind: 'bulk', method: 'POST', paths: [`${EXT}/device/bulk-metadata`], bodies: bulkBodies },
    { name: 'bulk-metadata 1000 devices, 1 connection', kind: 'bulk', method: 'POST', paths: [`${EXT}/device/bulk-metadata`], bodies: bulkBodies, connections: 1 },
  ];
  return only ? list.filter((x) => only.some((o) => x.name.startsWith(o))) : list;
}

/** How long the probe waits for its answer: a server that holds a request longer is stuck, and the run says so. */
const PROBE_TIMEOUT_MS = 60_000;

/** One request through the real server before the load: its status, and the size of a typical answer. */
export async function probe(base: string, apiKey: string, scenario: Scenario): Promise<{ bytes: number; status: number; body: string }> {
  const send = () =>
    fetch(base + scenario.paths[0], {
      method: scenario.method,
      headers: { 'x-api-key': apiKey, 'content-type': 'application/json' },
      body: scenario.bodies?.[0],
      signal: AbortSignal.timeout(PROBE_TIMEOUT_MS),
    });
  const stuck = (error: unknown) =>
    error instanceof Error && error.name === 'TimeoutError'
      ? new Error(`${scenario.name}: the server at ${base} did not answer the probe within ${PROBE_TIMEOUT_MS / 1000} s`)
      : undefined;
  // A kept-alive socket from the previous probe may be closed by the server just as it is reused: try again once.
  const res = await send().catch((error: unknown) => {
    const timedOut = stuck(error);
    if (timedOut) throw timedOut;
    return send().catch((again: unknown) => {
      throw stuck(again) ?? again;
    });
  });
  const body = await res.text();
  return { bytes: Buffer.byteLength(body), status: res.status, body };
}

/** The headers Telemap's requests carry. */
export const apiHeaders = (apiKey: string) => ({ 'x-api-key': apiKey, 'content-type': 'application/json' });

/** The floor's: it answers a body as large as Telemap's answer (bench/floor-server.ts). */
export const floorHeaders = (responseBytes: number) => ({ 'content-type': 'application/json', 'x-floor-bytes': String(responseBytes) });
