// Where accepted readings meet the rules. Ingest calls this inside the transaction that stores the readings, so a
// reading and the rule state (and any alert) it causes commit together.
import type { Db } from '../../db/connect.js';
import type { DomainContext } from '../context.js';
import type { Reading } from '../telemetry/model.js';

export interface DeviceReadings {
  device: { id: string; identifier: string; type: string | null };
  /**
   * The readings of one request that are newer than the device's previous latest reading of their key, oldest
   * first (all keys together). Late readings are not here: history never opens an alert.
   */
  readings: readonly Reading[];
}

/** Judges each device's newer readings against the enabled rules of its type, reading by reading. */
export async function evaluateReadings(
  _trx: Db,
  _ctx: DomainContext,
  _organizationId: string,
  _devices: readonly DeviceReadings[],
): Promise<void> {
  // The rules engine (domain/rules/) fills this in.
}
