// Fans recorded events out into deliveries: one per webhook endpoint of the organization that takes the event's
// type, and for an alert.opened of a rule that notifies owners, one e-mail per owner. Each batch of events is
// claimed, fanned out and marked dispatched in one transaction, so a crash leaves it to be done again, whole.
import { isoNow } from '../../clock.js';
import type { Db } from '../../db/connect.js';
import type { DeliveriesTable } from '../../db/schema.js';
import { inTransaction } from '../../db/transaction.js';
import type { DomainContext } from '../context.js';
import { newId } from '../ids.js';
import { replyRecipient } from '../tickets/reply-mail.js';
import { claimRows } from './claim.js';
import { endpointEvents } from './events.js';

export interface FanOutOptions {
  /** Owners are e-mailed only when outgoing mail is configured. */
  mailEnabled: boolean;
  batchSize: number;
  /**
   * Look with a plain read before opening a write transaction (default true): an idle outbox, the usual case, then
   * costs no write transaction. A caller that knows events are waiting saves the read.
   */
  probe?: boolean;
}

export interface FannedOut {
  /** Events taken: fewer than the batch size means none was left. */
  events: number;
  /** Deliveries made of them. */
  deliveries: number;
}

export interface Owner {
  customerId?: string;
  email?: string;
  name?: string | null;
}

const NOTHING: FannedOut = { events: 0, deliveries: 0 };

/** Fans out one batch of events. */
export async function fanOutEvents(ctx: DomainContext, options: FanOutOptions): Promise<FannedOut> {
  if (options.probe ?? true) {
    const waiting = await ctx.database.db.selectFrom('outbox_events').select('id').where('dispatched_at', 'is', null).limit(1).executeTakeFirst();
    if (!waiting) return NOTHING;
  }
  const now = isoNow(ctx.clock);
  return inTransaction(ctx.database, async (trx) => {
    const events = await claimRows(
      ctx.database.dialect,
      trx
        .selectFrom('outbox_events')
        .select(['id', 'organization_id', 'type', 'payload'])
        .where('dispatched_at', 'is', null)
        .orderBy('created_at')
        .limit(options.batchSize),
      'outbox_events',
    ).execute();
    if (events.length === 0) return NOTHING;

    const endpointsByOrganization = new Map<string, Array<{ id: string; events: string[] }>>();
    const deliveries: DeliveriesTable[] = [];
    for (const event of events) {
      let endpoints = endpointsByOrganization.get(event.organization_id);
      if (!endpoints) {
        const rows = await trx
          .selectFrom('webhook_endpoints')
          .select(['id', 'events'])
          .where('organization_id', '=', event.organization_id)
          .where('enabled', '=', 1)
          .execute();
        endpoints = rows.map((row) => ({ id: row.id, events: endpointEvents(row) }));
        endpointsByOrganization.set(event.organization_id, endpoints);
      }
      const base = { organization_id: event.organization_id, event_id: event.id, now };
      // webhook.test goes only to the endpoint it was queued for, with its delivery (webhooks/service.ts).
      if (event.type !== 'webhook.test') {
        for (const endpoint of endpoints) {
          if (endpoint.events.includes(event.type)) deliveries.push(newDelivery(base, 'webhook', endpoint.id, endpoint.id, null));
        }
      }
      if (event.type === 'alert.opened' && options.mailEnabled) {
        for (const owner of await ownersToNotify(trx, event.organization_id, event.payload)) {
          const address = owner.email!.toLowerCase();
          deliveries.push(newDelivery(base, 'email', `mailto:${address}`, null, JSON.stringify(owner)));
        }
      }
      // An agent's public reply goes to the ticket's customer (tickets/reply-mail.ts).
      if (event.type === 'ticket.message_added' && options.mailEnabled) {
        const recipient = replyRecipient(event.payload);
        if (recipient) deliveries.push(newDelivery(base, 'email', `mailto:${recipient.email.toLowerCase()}`, null, JSON.stringify(recipient)));
      }
    }
    for (let i = 0; i < deliveries.length; i += 200) {
      await trx
        .insertInto('deliveries')
        .values(deliveries.slice(i, i + 200))
        .onConflict((oc) => oc.columns(['event_id', 'target']).doNothing())
        .execute();
    }
    await trx
      .updateTable('outbox_events')
      .set({ dispatched_at: now })
      .where(
        'id',
        'in',
        events.map((e) => e.id),
      )
      .execute();
    return { events: events.length, deliveries: deliveries.length };
  });
}

function newDelivery(
  base: { organization_id: string; event_id: string; now: string },
  channel: DeliveriesTable['channel'],
  target: string,
  endpointId: string | null,
  recipient: string | null,
): DeliveriesTable {
  return {
    id: newId(),
    organization_id: base.organization_id,
    event_id: base.event_id,
    channel,
    target,
    endpoint_id: endpointId,
    recipient,
    status: 'pending',
    attempt: 0,
    next_attempt_at: base.now,
    claim_token: null,
    first_attempt_at: null,
    response_status: null,
    error: null,
    delivered_at: null,
    created_at: base.now,
    updated_at: base.now,
  };
}

/** The alert's owners with an address, when its rule (looked up now, in the organization) notifies owners. */
async function ownersToNotify(trx: Db, organizationId: string, payload: string): Promise<Owner[]> {
  const alert = JSON.parse(payload) as { ruleId?: unknown; owners?: unknown };
  if (typeof alert.ruleId !== 'string' || !Array.isArray(alert.owners)) return [];
  const rule = await trx
    .selectFrom('rules')
    .select('notify_owners')
    .where('organization_id', '=', organizationId)
    .where('id', '=', alert.ruleId)
    .executeTakeFirst();
  if (rule?.notify_owners !== 1) return [];
  const seen = new Set<string>();
  const owners: Owner[] = [];
  for (const owner of alert.owners as Owner[]) {
    const email = typeof owner?.email === 'string' ? owner.email.trim().toLowerCase() : '';
    if (email === '' || seen.has(email)) continue;
    seen.add(email);
    owners.push({ customerId: owner.customerId, email: owner.email, name: owner.name ?? null });
  }
  return owners;
}
