// Stores validated readings: one transaction per request, so a request is stored whole or not at all, and the rules
// see its newer readings in the same transaction (domain/rules/evaluate.ts).
import { inTransaction } from '../../db/transaction.js';
import type { DomainContext } from '../context.js';
import { DomainError } from '../errors.js';
import { evaluateReadings, type DeviceReadings } from '../rules/evaluate.js';
import type { Reading } from './model.js';
import { advanceLatest, insertSeries, seriesOf, touchDevices, upsertReadings, type NewSeries, type ReadingRow } from './storage.js';

export interface DeviceBatch {
  deviceId: string;
  readings: readonly Reading[];
}

/**
 * Past this many readings a request's transaction commits on its own on SQLite rather than with the others of its
 * turn (db/transaction.ts `alone`): the commit is then a small part of it, and a group would make small requests
 * wait behind it.
 */
const ALONE_FROM_READINGS = 1000;

/**
 * Stores the readings of the organization's devices in one transaction and returns how many were stored (each
 * reading of the request, a repeated (device, key, ts) counted each time it came). Durable when it resolves.
 * The same (device, key, ts) again replaces the value; readings older than the latest of their key are stored
 * but only newer ones move the latest value and reach the rules. A device that is not the organization's fails
 * the whole call with device_not_found.
 */
export async function ingestReadings(
  ctx: DomainContext,
  organizationId: string,
  perDevice: readonly DeviceBatch[],
): Promise<number> {
  const byDevice = mergeByDevice(perDevice);
  const total = perDevice.reduce((sum, batch) => sum + batch.readings.length, 0);
  if (byDevice.size === 0) return 0;
  const deviceIds = [...byDevice.keys()].sort();
  const seenAt = ctx.clock.now().toISOString();
  const { dialect } = ctx.database;

  await inTransaction(
    ctx.database,
    async (trx) => {
      const devices = await touchDevices(trx, dialect.name, organizationId, deviceIds, seenAt);
      if (devices.length !== deviceIds.length) throw new DomainError({ code: 'device_not_found' });

      const series = new Map<string, { id: number; previousTs: number }>();
      for (const row of await seriesOf(trx, deviceIds)) series.set(seriesKey(row.device_id, row.key), { id: row.id, previousTs: row.latest_ts });

      const missing: NewSeries[] = [];
      for (const [deviceId, readings] of byDevice) {
        for (const [key, latest] of latestPerKey(readings.values())) {
          if (!series.has(seriesKey(deviceId, key))) missing.push({ deviceId, key, latest });
        }
      }
      // A new series has no previous latest: every reading of it is newer.
      for (const row of await insertSeries(trx, organizationId, missing)) {
        series.set(seriesKey(row.device_id, row.key), { id: row.id, previousTs: Number.NEGATIVE_INFINITY });
      }

      const rows: ReadingRow[] = [];
      const updates: { seriesId: number; latest: Reading }[] = [];
      const evaluated: DeviceReadings[] = [];
      for (const device of devices) {
        const readings = byDevice.get(device.id)!;
        const newer: Reading[] = [];
        for (const reading of readings.values()) {
          const { id, previousTs } = series.get(seriesKey(device.id, reading.key))!;
          rows.push({ seriesId: id, ts: reading.ts, value: reading.value });
          if (reading.ts > previousTs) newer.push(reading);
        }
        for (const [key, latest] of latestPerKey(newer)) {
          const { id, previousTs } = series.get(seriesKey(device.id, key))!;
          if (previousTs !== Number.NEGATIVE_INFINITY) updates.push({ seriesId: id, latest });
        }
        // Stable: readings of one ts keep the order they came in.
        newer.sort((a, b) => a.ts - b.ts);
        if (newer.length > 0) evaluated.push({ device, readings: newer });
      }

      await upsertReadings(trx, dialect.name, rows);
      await advanceLatest(trx, dialect.name, updates);
      await evaluateReadings(trx, ctx, organizationId, evaluated);
    },
    { alone: total >= ALONE_FROM_READINGS },
  );
  return total;
}

/**
 * Per device, its readings keyed by (key, ts): a (key, ts) repeated in one request keeps its last value, as if it
 * had been sent again, since one statement cannot write one row twice.
 */
function mergeByDevice(perDevice: readonly DeviceBatch[]): Map<string, Map<string, Reading>> {
  const byDevice = new Map<string, Map<string, Reading>>();
  for (const { deviceId, readings } of perDevice) {
    if (readings.length === 0) continue;
    let merged = byDevice.get(deviceId);
    if (!merged) byDevice.set(deviceId, (merged = new Map()));
    for (const reading of readings) merged.set(`${reading.ts}\u0000${reading.key}`, reading);
  }
  return byDevice;
}

function latestPerKey(readings: Iterable<Reading>): Map<string, Reading> {
  const latest = new Map<string, Reading>();
  for (const reading of readings) {
    const current = latest.get(reading.key);
    if (!current || reading.ts >= current.ts) latest.set(reading.key, reading);
  }
  return latest;
}

function seriesKey(deviceId: string, key: string): string {
  return `${deviceId}\u0000${key}`;
}
