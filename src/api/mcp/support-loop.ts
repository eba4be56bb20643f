// The parts of the support loop other tools show beside their records: a device's latest readings and the open
// alerts of a device or a customer. Null means this build has no telemetry or alerts to read them from.
import type { ToolScope } from './scope.js';

export const NOT_AVAILABLE = 'not available in this version of Telemap';

export type LatestReadings = Record<string, { ts: number; value: number | boolean | string }>;

export async function latestReadingsOf(_scope: ToolScope, _deviceId: string): Promise<LatestReadings | null> {
  return null;
}

export async function openAlertsOf(
  _scope: ToolScope,
  _filter: { deviceId: string } | { customerId: string },
): Promise<Record<string, unknown>[] | null> {
  return null;
}
