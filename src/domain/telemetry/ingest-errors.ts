// A device's refused or dropped readings (an MQTT payload that failed validation, a refused batch naming it): counted
// on the device, with the last error and its time, so that whoever looks at its page sees why data is missing.
import { sql } from 'kysely';
import type { DomainContext } from '../context.js';

/** Longer messages are cut: the column is for people, and a payload may echo a 4096-character value. */
const MAX_MESSAGE_LENGTH = 1000;

export async function recordIngestError(ctx: DomainContext, organizationId: string, deviceId: string, message: string): Promise<void> {
  await recordIngestErrors(ctx, organizationId, [deviceId], message);
}

/** The same error for several devices of the organization, in one statement. */
export async function recordIngestErrors(
  ctx: DomainContext,
  organizationId: string,
  deviceIds: readonly string[],
  message: string,
): Promise<void> {
  if (deviceIds.length === 0) return;
  await ctx.database.db
    .updateTable('devices')
    .set({
      ingest_error_count: sql`ingest_error_count + 1`,
      last_ingest_error: message.length > MAX_MESSAGE_LENGTH ? `${message.slice(0, MAX_MESSAGE_LENGTH)}…` : message,
      last_ingest_error_at: ctx.clock.now().toISOString(),
    })
    .where('organization_id', '=', organizationId)
    .where('id', 'in', deviceIds)
    .execute();
}
