// Devices for the MQTT tests: one registered with a token, and what the database holds of it afterwards.
import assert from 'node:assert/strict';
import { issueDeviceToken } from '../../src/domain/telemetry/device-tokens.js';
import type { Harness, TestOrg } from '../support/harness.js';

export const MQTT_ENV = { env: { TELEMAP_MQTT_PORT: '0' } };

export async function newDevice(h: Harness, org: TestOrg, identifier: string): Promise<{ deviceId: string; token: string }> {
  const created = await h.extPost('/device', org.apiKey, { identifier, type: 'thermostat' });
  assert.equal(created.statusCode, 200, created.body);
  const deviceId = (created.json() as { deviceId: string }).deviceId;
  const { token } = await issueDeviceToken(h.ctx, org.organizationId, deviceId);
  return { deviceId, token };
}

export async function ingestErrors(h: Harness, deviceId: string): Promise<{ count: number; last: string | null }> {
  const row = await h.database.db
    .selectFrom('devices')
    .select(['ingest_error_count', 'last_ingest_error'])
    .where('id', '=', deviceId)
    .executeTakeFirstOrThrow();
  return { count: Number(row.ingest_error_count), last: row.last_ingest_error };
}

export async function readingCount(h: Harness, deviceId: string): Promise<number> {
  const row = await h.database.db
    .selectFrom('readings')
    .innerJoin('telemetry_series', 'telemetry_series.id', 'readings.series_id')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('telemetry_series.device_id', '=', deviceId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
