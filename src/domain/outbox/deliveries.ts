// Claiming due deliveries and recording what their attempts came to. A claim is a lease: the row's next_attempt_at
// moves to the lease's end and it carries the claimer's token, so no other process takes it meanwhile, and a
// process that dies mid-attempt leaves it to be taken again once the lease has passed. Results are written only
// under the token, so an attempt that outlived its lease cannot overwrite the one that took over.
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
}

const iso = (ms: number) => new Date(ms).toISOString();

export async function claimDueDeliveries(ctx: DomainContext, options: ClaimOptions): Promise<ClaimedDelivery[]> {
  const nowMs = ctx.clock.now().getTime();
  const now = iso(nowMs);
  const { db, dialect } = ctx.database;
  // A plain read first, so that an idle process polls without write transactions.
  const due = await db
    .selectFrom('deliveries')
    .select('id')
    .where('status', '=', 'pending')
    .where('next_attempt_at', '<=', now)
    .limit(1)
    .executeTakeFirst();
  if (!due) return [];

  const claimed = await inTransaction(ctx.database, async (trx) => {
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
    if (taken.length === 0) return [];

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
    return taken.map(
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
  });
  return claimed;
}

export type AttemptOutcome =
  | { kind: 'delivered'; responseStatus: number | null }
  /** `nextAttemptAt` null: out of retries, the delivery has failed. */
  | { kind: 'retry'; responseStatus: number | null; error: string; nextAttemptAt: number | null }
  | { kind: 'failed'; responseStatus: number | null; error: string; disableEndpoint?: string };

export interface EndpointHealth {
  /** An endpoint failing without a success for this long is disabled. */
  disableAfterFailingMs: number;
}

/** Records an attempt's outcome, and what it means for its endpoint (failure streak, 410, too long failing). */
export async function recordAttempt(
  ctx: DomainContext,
  delivery: ClaimedDelivery,
  outcome: AttemptOutcome,
  health: EndpointHealth,
): Promise<void> {
  const nowMs = ctx.clock.now().getTime();
  const now = iso(nowMs);
  await inTransaction(ctx.database, async (trx) => {
    const base = { claim_token: null, response_status: outcome.responseStatus, updated_at: now };
    let change: Partial<DeliveriesTable>;
    if (outcome.kind === 'delivered') change = { ...base, status: 'delivered', error: null, delivered_at: now };
    else if (outcome.kind === 'retry' && outcome.nextAttemptAt !== null) {
      change = { ...base, status: 'pending', error: outcome.error, next_attempt_at: iso(outcome.nextAttemptAt) };
    } else change = { ...base, status: 'failed', error: outcome.error };
    const updated = await trx
      .updateTable('deliveries')
      .set(change)
      .where('id', '=', delivery.id)
      .where('claim_token', '=', delivery.token)
      .executeTakeFirst();
    if (updated.numUpdatedRows === 0n || !delivery.endpoint) return;

    const endpoint = trx.updateTable('webhook_endpoints').where('id', '=', delivery.endpoint.id).where('organization_id', '=', delivery.organizationId);
    if (outcome.kind === 'delivered') {
      await endpoint.set({ failing_since: null }).where('failing_since', 'is not', null).execute();
      return;
    }
    if (outcome.kind === 'failed' && outcome.disableEndpoint) {
      await endpoint.set({ enabled: 0, disabled_reason: outcome.disableEndpoint, disabled_at: now, updated_at: now }).execute();
      return;
    }
    await endpoint.set({ failing_since: sql`coalesce(failing_since, ${now})` }).execute();
    const failingFor = iso(nowMs - health.disableAfterFailingMs);
    await endpoint
      .set({ enabled: 0, disabled_reason: 'Every delivery failed for 5 days', disabled_at: now, updated_at: now })
      .where('enabled', '=', 1)
      .where('failing_since', '<=', failingFor)
      .execute();
  });
}
