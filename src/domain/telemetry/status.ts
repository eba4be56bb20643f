// A device's telemetry status for its page and its /api/v1 record: when it last reported, its ingest errors, and
// whether it has a live device token.
import type { DomainContext } from '../context.js';

export interface DeviceTelemetryStatus {
  lastSeenAt: string | null;
  ingestErrorCount: number;
  lastIngestError: string | null;
  lastIngestErrorAt: string | null;
  /** When the live device token was issued; null without one. */
  tokenCreatedAt: string | null;
}

export async function deviceTelemetryStatus(
  ctx: DomainContext,
  organizationId: string,
  deviceId: string,
): Promise<DeviceTelemetryStatus | undefined> {
  const row = await ctx.database.db
    .selectFrom('devices as d')
    .leftJoin('device_tokens as t', 't.device_id', 'd.id')
    .select(['d.last_seen_at', 'd.ingest_error_count', 'd.last_ingest_error', 'd.last_ingest_error_at', 't.created_at as token_created_at'])
    .where('d.organization_id', '=', organizationId)
    .where('d.id', '=', deviceId)
    .executeTakeFirst();
  if (!row) return undefined;
  return {
    lastSeenAt: row.last_seen_at,
    ingestErrorCount: Number(row.ingest_error_count),
    lastIngestError: row.last_ingest_error,
    lastIngestErrorAt: row.last_ingest_error_at,
    tokenCreatedAt: row.token_created_at,
  };
}
