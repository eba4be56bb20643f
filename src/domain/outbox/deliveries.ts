// Claiming due deliveries. A claim is a lease: the row's next_attempt_at moves to the lease's end and it carries the
// claimer's token, so no other process takes it meanwhile, and a process that dies mid-attempt leaves it to be taken
// again once the lease has passed. Results are written only under the token (outbox/record.ts), so an attempt that
// outlived its lease cannot overwrite the one that took over.
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { DeliveriesTable, WebhookEndpointsTable } from '../../db/schema.js';
import { inTransaction } from '../../db/transaction.js';
import type { DomainContext } from '../context.js';
import { claimRows } from './claim.js';

export interface ClaimedDelivery {
  id: string;
  organizationId: string;
  token: string;
  channel: DeliveriesTable['channel'];
  /** This attempt's number, from 1. */
  attempt: number;
  /** Unix ms of the delivery's first attempt (this one, for a first attempt). */
  firstAttemptAt: number;
  recipient: string | null;
  event: { id: string; type: string; createdAt: string; payload: string };
  endpoint: { id: string; url: string; format: WebhookEndpointsTable['format']; secret: string } | null;
}

export interface ClaimOptions {
  limit: number;
  leaseMs: number;
  /** Slack endpoints take at most one message per this interval. */
  slackIntervalMs: number;
  /**
   * Look with a plain read before opening a write transaction (default true), so that an idle process polls without
   * write transactions. A caller that knows deliveries are due saves the read.
   */
  probe?: boolean;
}

const iso = (ms: number) => new Date(ms).toISOString();

export interface Claim {
  claimed: ClaimedDelivery[];
  /** The query found as many due deliveries as asked for (Slack pacing may have left some of them): more may be due. */
  more: boolean;
}

export async function claimDueDeliveries(ctx: DomainContext, options: ClaimOptions): Promise<Claim> {
  const nowMs = ctx.clock.now().getTime();
  const now = iso(nowMs);
  const { db, dialect } = ctx.database;
  if (options.probe ?? true) {
    const due = await db
      .selectFrom('deliveries')
      .select('id')
      .where('status', '=', 'pending')
      .where('next_attempt_at', '<=', now)
      .limit(1)
      .executeTakeFirst();
    if (!due) return { claimed: [], more: false };
  }

  return inTransaction(ctx.database, async (trx) => {
    const rows = await claimRows(
      dialect,
      trx
        .selectFrom('deliveries')
        .innerJoin('outbox_events', 'outbox_events.id', 'deliveries.event_id')
        .innerJoin('organizations', 'organizations.id', 'deliveries.organization_id')
        .leftJoin('webhook_endpoints', 'webhook_endpoints.id', 'deliveries.endpoint_id')
        .select([
          'deliveries.id',
          'deliveries.organization_id',
          'deliveries.channel',
          'deliveries.attempt',
          'deliveries.first_attempt_at',
          'deliveries.recipient',
          'deliveries.event_id',
          'outbox_events.type',
          'outbox_events.created_at as event_created_at',
          'outbox_events.payload',
          'webhook_endpoints.id as endpoint_id',
          'webhook_endpoints.url',
          'webhook_endpoints.format',
          'webhook_endpoints.secret',
        ])
        .where('deliveries.status', '=', 'pending')
        .where('deliveries.next_attempt_at', '<=', now)
        .where('organizations.deleted_at', 'is', null)
        .where((eb) => eb.or([eb('deliveries.endpoint_id', 'is', null), eb('webhook_endpoints.enabled', '=', 1)]))
        .orderBy('deliveries.next_attempt_at')
        .limit(options.limit),
      'deliveries',
    ).execute();

    const taken: typeof rows = [];
    const pacedEndpoints = new Set<string>();
    for (const row of rows) {
      if (row.format === 'slack' && row.endpoint_id) {
        if (pacedEndpoints.has(row.endpoint_id)) continue;
        pacedEndpoints.add(row.endpoint_id);
        // Conditional, so that of two processes claiming for one Slack endpoint only one gets this second's slot.
        const slot = await trx
          .updateTable('webhook_endpoints')
          .set({ next_send_at: iso(nowMs + options.slackIntervalMs) })
          .where('id', '=', row.endpoint_id)
          .where((eb) => eb.or([eb('next_send_at', 'is', null), eb('next_send_at', '<=', now)]))
          .executeTakeFirst();
        if (slot.numUpdatedRows === 0n) continue;
      }
      taken.push(row);
    }
    const more = rows.length === options.limit;
    if (taken.length === 0) return { claimed: [], more };

    const token = randomUUID();
    await trx
      .updateTable('deliveries')
      .set({
        attempt: sql`attempt + 1`,
        next_attempt_at: iso(nowMs + options.leaseMs),
        claim_token: token,
        first_attempt_at: sql`coalesce(first_attempt_at, ${now})`,
        updated_at: now,
      })
      .where(
        'id',
        'in',
        taken.map((r) => r.id),
      )
      .execute();
    const claimed = taken.map(
      (row): ClaimedDelivery => ({
        id: row.id,
        organizationId: row.organization_id,
        token,
        channel: row.channel,
        attempt: row.attempt + 1,
        firstAttemptAt: row.first_attempt_at ? Date.parse(row.first_attempt_at) : nowMs,
        recipient: row.recipient,
        event: { id: row.event_id, type: row.type, createdAt: row.event_created_at, payload: row.payload },
        endpoint:
          row.endpoint_id && row.url && row.format && row.secret
            ? { id: row.endpoint_id, url: row.url, format: row.format, secret: row.secret }
            : null,
      }),
    );
    return { claimed, more };
  });
}

export type AttemptOutcome =
  | { kind: 'delivered'; responseStatus: number | null }
  /** `nextAttemptAt` null: out of retries, the delivery has failed. */
  | { kind: 'retry'; responseStatus: number | null; error: string; nextAttemptAt: number | null }
  | { kind: 'failed'; responseStatus: number | null; error: string; disableEndpoint?: string };
