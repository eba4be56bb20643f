// Recording what attempts came to, several at once: one transaction for a group of finished attempts (the worker
// groups those that finish while the previous group is being written, outbox/recorder.ts), with set-based
// statements, so that a busy worker pays for BEGIN, COMMIT and a WAL flush once per group instead of once per
// delivery. Each result is still written only under its claim token: an attempt that outlived its lease changes
// neither its delivery (the process that took it over owns it now) nor its endpoint's health.
import { sql, type ExpressionBuilder, type Transaction } from 'kysely';
import type { DeliveriesTable, Tables } from '../../db/schema.js';
import { inTransaction } from '../../db/transaction.js';
import type { DomainContext } from '../context.js';
import type { AttemptOutcome, ClaimedDelivery } from './deliveries.js';

export interface FinishedAttempt {
  delivery: ClaimedDelivery;
  outcome: AttemptOutcome;
}

export interface EndpointHealth {
  /** An endpoint failing without a success for this long is disabled. */
  disableAfterFailingMs: number;
}

const iso = (ms: number) => new Date(ms).toISOString();

/** Records the outcomes of `finished` (each delivery once), and what they mean for their endpoints, in one transaction. */
export async function recordAttempts(ctx: DomainContext, finished: readonly FinishedAttempt[], health: EndpointHealth): Promise<void> {
  if (finished.length === 0) return;
  const nowMs = ctx.clock.now().getTime();
  await inTransaction(ctx.database, async (trx) => {
    const recorded = await writeOutcomes(trx, finished, iso(nowMs));
    const effects = endpointEffects(finished.filter((f) => recorded.has(f.delivery.id)));
    await applyEndpointEffects(trx, effects, nowMs, health);
  });
}

/** Writes each outcome under its claim token; returns the ids of the deliveries it changed. */
async function writeOutcomes(trx: Transaction<Tables>, finished: readonly FinishedAttempt[], now: string): Promise<Set<string>> {
  const recorded = new Set<string>();
  // Deliveries, the bulk of a busy worker's outcomes, in one statement per claim and response status.
  const delivered = new Map<string, { token: string; responseStatus: number | null; ids: string[] }>();
  for (const { delivery, outcome } of finished) {
    if (outcome.kind !== 'delivered') continue;
    const key = `${delivery.token} ${outcome.responseStatus}`;
    const batch = delivered.get(key) ?? { token: delivery.token, responseStatus: outcome.responseStatus, ids: [] };
    batch.ids.push(delivery.id);
    delivered.set(key, batch);
  }
  for (const batch of delivered.values()) {
    const rows = await trx
      .updateTable('deliveries')
      .set({ status: 'delivered', error: null, delivered_at: now, claim_token: null, response_status: batch.responseStatus, updated_at: now })
      .where('claim_token', '=', batch.token)
      .where('id', 'in', batch.ids)
      .returning('id')
      .execute();
    for (const row of rows) recorded.add(row.id);
  }
  // Failures differ in their error and next attempt: one statement each (a busy worker sees few).
  for (const { delivery, outcome } of finished) {
    if (outcome.kind === 'delivered') continue;
    const base = { claim_token: null, response_status: outcome.responseStatus, error: outcome.error, updated_at: now };
    const change: Partial<DeliveriesTable> =
      outcome.kind === 'retry' && outcome.nextAttemptAt !== null
        ? { ...base, status: 'pending', next_attempt_at: iso(outcome.nextAttemptAt) }
        : { ...base, status: 'failed' };
    const updated = await trx
      .updateTable('deliveries')
      .set(change)
      .where('id', '=', delivery.id)
      .where('claim_token', '=', delivery.token)
      .executeTakeFirst();
    if (updated.numUpdatedRows > 0n) recorded.add(delivery.id);
  }
  return recorded;
}

interface EndpointKey {
  id: string;
  organizationId: string;
}

/**
 * What one group's outcomes, in the order they finished, mean for an endpoint's failure streak: untouched (only
 * 410s), ended (the last was a delivery), extended (failures only: the streak goes on, or starts), or restarted (a
 * failure after a delivery of the group: the streak starts again now). The group counts as one moment: an endpoint
 * with a delivery in it has not failed "without a single success", whatever the order.
 */
type Streak = 'untouched' | 'ended' | 'extended' | 'restarted';

interface EndpointEffect extends EndpointKey {
  streak: Streak;
  /** Why the endpoint is disabled at once (410 Gone), if an outcome said so. */
  disable: string | null;
}

/** `recorded` in the order the attempts finished. */
function endpointEffects(recorded: readonly FinishedAttempt[]): EndpointEffect[] {
  const effects = new Map<string, EndpointEffect>();
  for (const { delivery, outcome } of recorded) {
    if (!delivery.endpoint) continue;
    let effect = effects.get(delivery.endpoint.id);
    if (!effect) {
      effect = { id: delivery.endpoint.id, organizationId: delivery.organizationId, streak: 'untouched', disable: null };
      effects.set(effect.id, effect);
    }
    // A 410 disables the endpoint and leaves its failure streak as it was.
    if (outcome.kind === 'failed' && outcome.disableEndpoint) effect.disable = outcome.disableEndpoint;
    else if (outcome.kind === 'delivered') effect.streak = 'ended';
    else effect.streak = effect.streak === 'ended' || effect.streak === 'restarted' ? 'restarted' : 'extended';
  }
  // Sorted, so that two processes recording for the same endpoints lock their rows in the same order.
  return [...effects.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

const isOneOf = (endpoints: readonly EndpointKey[]) => (eb: ExpressionBuilder<Tables, 'webhook_endpoints'>) =>
  eb.or(endpoints.map((e) => eb.and([eb('id', '=', e.id), eb('organization_id', '=', e.organizationId)])));

/** Ends, starts or extends each endpoint's failure streak, and disables those that asked for it or failed too long. */
async function applyEndpointEffects(trx: Transaction<Tables>, effects: readonly EndpointEffect[], nowMs: number, health: EndpointHealth): Promise<void> {
  const now = iso(nowMs);
  const withStreak = (...streaks: Streak[]) => effects.filter((e) => streaks.includes(e.streak));
  const healthy = withStreak('ended');
  const restarted = withStreak('restarted');
  const extended = withStreak('extended');
  const failing = withStreak('restarted', 'extended');
  if (healthy.length > 0) {
    await trx.updateTable('webhook_endpoints').set({ failing_since: null }).where(isOneOf(healthy)).where('failing_since', 'is not', null).execute();
  }
  if (restarted.length > 0) await trx.updateTable('webhook_endpoints').set({ failing_since: now }).where(isOneOf(restarted)).execute();
  if (extended.length > 0) {
    await trx.updateTable('webhook_endpoints').set({ failing_since: sql`coalesce(failing_since, ${now})` }).where(isOneOf(extended)).execute();
  }
  if (failing.length > 0) {
    await trx
      .updateTable('webhook_endpoints')
      .set({ enabled: 0, disabled_reason: 'Every delivery failed for 5 days', disabled_at: now, updated_at: now })
      .where(isOneOf(failing))
      .where('enabled', '=', 1)
      .where('failing_since', '<=', iso(nowMs - health.disableAfterFailingMs))
      .execute();
  }
  const gone = new Map<string, EndpointKey[]>();
  for (const effect of effects) if (effect.disable) gone.set(effect.disable, [...(gone.get(effect.disable) ?? []), effect]);
  for (const [reason, endpoints] of gone) {
    await trx.updateTable('webhook_endpoints').set({ enabled: 0, disabled_reason: reason, disabled_at: now, updated_at: now }).where(isOneOf(endpoints)).execute();
  }
}
