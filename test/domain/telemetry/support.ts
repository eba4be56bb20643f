// Helpers of the telemetry tests: a device with a token, and the requests of the ingest paths.
import assert from 'node:assert/strict';
import type { LightMyRequestResponse } from 'fastify';
import { seedDevice } from '../../support/dashboard.js';
import { unique } from '../../support/ext-v1-endpoints.js';
import type { Harness, TestOrg } from '../../support/harness.js';

export interface TestDevice {
  org: TestOrg;
  deviceId: string;
  identifier: string;
  token: string;
}

/** A new organization (or the given one) with a new device and its token, issued through the API. */
export async function deviceWithToken(h: Harness, org?: TestOrg): Promise<TestDevice> {
  const owner = org ?? (await h.newOrg());
  const identifier = unique('SN');
  const deviceId = await seedDevice(h, owner.organizationId, identifier);
  const token = await issueToken(h, owner.apiKey, deviceId);
  return { org: owner, deviceId, identifier, token };
}

export async function issueToken(h: Harness, apiKey: string, deviceId: string): Promise<string> {
  const res = await h.request({ method: 'POST', url: `/api/v1/devices/${deviceId}/token`, headers: { 'x-api-key': apiKey } });
  assert.equal(res.statusCode, 201, res.body);
  return res.json().token as string;
}

export function postTelemetry(h: Harness, token: string | undefined, body: unknown, headers: Record<string, string> = {}) {
  return h.request({
    method: 'POST',
    url: '/api/v1/telemetry',
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
    body,
  });
}

export function postBatch(h: Harness, apiKey: string, body: unknown, headers: Record<string, string> = {}) {
  return h.request({ method: 'POST', url: '/api/v1/telemetry/batch', headers: { 'x-api-key': apiKey, ...headers }, body });
}

export async function latest(h: Harness, apiKey: string, deviceId: string): Promise<Record<string, { ts: number; value: unknown }>> {
  const res = await h.request({ method: 'GET', url: `/api/v1/devices/${deviceId}/telemetry/latest`, headers: { 'x-api-key': apiKey } });
  assert.equal(res.statusCode, 200, res.body);
  return res.json().data;
}

export async function history(h: Harness, apiKey: string, deviceId: string, query: string) {
  const res = await h.request({ method: 'GET', url: `/api/v1/devices/${deviceId}/telemetry?${query}`, headers: { 'x-api-key': apiKey } });
  assert.equal(res.statusCode, 200, res.body);
  return res.json() as { data: Record<string, [number, unknown][]>; downsampled: boolean };
}

export function assertError(res: LightMyRequestResponse, status: number, code: string, messagePart?: string | RegExp): void {
  assert.equal(res.statusCode, status, res.body);
  const body = res.json();
  assert.equal(body.error.code, code);
  assert.equal(typeof body.error.requestId, 'string');
  if (typeof messagePart === 'string') assert.ok(body.error.message.includes(messagePart), body.error.message);
  else if (messagePart) assert.match(body.error.message, messagePart);
}

/** Every reading stored for the device, oldest first per key. */
export async function storedReadings(h: Harness, deviceId: string): Promise<Array<{ key: string; ts: number; num: number | null; txt: string | null; kind: number }>> {
  const rows = await h.database.db
    .selectFrom('readings as r')
    .innerJoin('telemetry_series as s', 's.id', 'r.series_id')
    .select(['s.key', 'r.ts', 'r.num', 'r.txt', 'r.kind'])
    .where('s.device_id', '=', deviceId)
    .orderBy('s.key')
    .orderBy('r.ts')
    .execute();
  return rows.map((row) => ({ ...row, ts: Number(row.ts), kind: Number(row.kind) }));
}
