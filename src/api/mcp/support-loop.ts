// The parts of the support loop other tools show beside their records: a device's latest readings and the open
// alerts of a device or a customer. Null means this build has no telemetry or alerts to read them from.
import { latestReadings, type LatestReadings } from '../../domain/telemetry/read.js';
import type { ToolScope } from './scope.js';

export const NOT_AVAILABLE = 'not available in this version of Telemap';

export async function latestReadingsOf(scope: ToolScope, deviceId: string): Promise<LatestReadings | null> {
  return latestReadings(scope.ctx, scope.organizationId, deviceId);
}

export async function openAlertsOf(
  _scope: ToolScope,
  _filter: { deviceId: string } | { customerId: string },
): Promise<Record<string, unknown>[] | null> {
  return null;
}
