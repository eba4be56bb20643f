// Helpers of the rules and alerts tests: a device with owners, rules and readings through the API.
import assert from 'node:assert/strict';
import { createCustomerViaExt, seedDevice, uniqueEmail } from '../../support/dashboard.js';
import { unique } from '../../support/ext-v1-endpoints.js';
import type { Harness, TestOrg } from '../../support/harness.js';

export interface Fleet {
  org: TestOrg;
  deviceId: string;
  identifier: string;
  owners: Array<{ email: string; customerId: string }>;
}

const key = (org: TestOrg) => ({ 'x-api-key': org.apiKey });

/** A JSON body as the tests read it: the fields they look at, loosely typed. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = Record<string, any>;

/** A thermostat with metadata and the given number of owners (assigned in order). */
export async function deviceWithOwners(h: Harness, ownerCount: number, org?: TestOrg, type = 'thermostat'): Promise<Fleet> {
  const o = org ?? (await h.newOrg());
  const identifier = unique('SN');
  const deviceId = await seedDevice(h, o.organizationId, identifier, type, { firmware: '1.4.2', model: 'T-100' });
  const owners: Fleet['owners'] = [];
  for (let i = 0; i < ownerCount; i++) owners.push(await assignOwner(h, o, identifier, uniqueEmail(`owner${i}`)));
  return { org: o, deviceId, identifier, owners };
}

export async function assignOwner(h: Harness, org: TestOrg, identifier: string, email: string): Promise<{ email: string; customerId: string }> {
  const customerId = await createCustomerViaExt(h, org.apiKey, email, `Owner ${email.slice(0, 6)}`);
  const res = await h.extPost('/deviceAssignment/assignDeviceToOwners', org.apiKey, { deviceIdentifier: identifier, customerEmails: [email] });
  assert.equal(res.statusCode, 200, res.body);
  return { email, customerId };
}

export async function unassignOwner(h: Harness, org: TestOrg, identifier: string, email: string): Promise<void> {
  const res = await h.extPost('/deviceAssignment/unassignDeviceFromOwner', org.apiKey, { deviceIdentifier: identifier, customerEmail: email });
  assert.equal(res.statusCode, 200, res.body);
}

export async function createRule(h: Harness, org: TestOrg, body: Record<string, unknown>): Promise<Json> {
  const res = await h.request({ method: 'POST', url: '/api/v1/rules', headers: key(org), body });
  assert.equal(res.statusCode, 201, res.body);
  return res.json();
}

export const overheating = (extra: Record<string, unknown> = {}, condition: Record<string, unknown> = {}) => ({
  name: 'Overheating',
  deviceType: 'thermostat',
  severity: 'critical',
  condition: { kind: 'threshold', key: 'temperature', op: '>', value: 70, ...condition },
  ...extra,
});

/** Readings of one device through the batch path (organization key), each `[ts, values]`. */
export async function send(h: Harness, fleet: Fleet, ...readings: Array<[number, Record<string, unknown>]>): Promise<void> {
  const res = await h.request({
    method: 'POST',
    url: '/api/v1/telemetry/batch',
    headers: key(fleet.org),
    body: { [fleet.identifier]: readings.map(([ts, values]) => ({ ts, values })) },
  });
  assert.equal(res.statusCode, 202, res.body);
}

export async function alertsOf(h: Harness, org: TestOrg, query = ''): Promise<Array<Json>> {
  const res = await h.request({ method: 'GET', url: `/api/v1/alerts${query ? `?${query}` : ''}`, headers: key(org) });
  assert.equal(res.statusCode, 200, res.body);
  return res.json().data;
}

export async function alertsOfDevice(h: Harness, fleet: Fleet, status?: 'open' | 'cleared') {
  return alertsOf(h, fleet.org, `deviceId=${fleet.deviceId}${status ? `&status=${status}` : ''}`);
}

export async function getJson(h: Harness, org: TestOrg, url: string): Promise<Json> {
  const res = await h.request({ method: 'GET', url, headers: key(org) });
  assert.equal(res.statusCode, 200, res.body);
  return res.json();
}

export async function eventsOf(h: Harness, org: TestOrg, type: string): Promise<Array<Json>> {
  const rows = await h.database.db
    .selectFrom('outbox_events')
    .select(['payload', 'created_at'])
    .where('organization_id', '=', org.organizationId)
    .where('type', '=', type)
    .orderBy('created_at')
    .execute();
  return rows.map((r) => JSON.parse(r.payload));
}

export const now = (h: Harness) => h.clock.now().getTime();
