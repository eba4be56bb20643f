// The outbox keeps an event and its deliveries for a while after they are done, so that the Webhooks page and
// GET /webhooks/{id}/deliveries can show what happened; older ones are removed, in batches, so that the tables do
// not grow without end. An event with a delivery still pending is kept, however old.
import { inOneStatement } from '../../db/transaction.js';
import type { DomainContext } from '../context.js';

export const OUTBOX_RETENTION_MS = 30 * 24 * 60 * 60 * 1000;
const BATCH = 500;

/** Removes events dispatched before the retention with nothing left pending (deliveries go with them). */
export async function pruneOutbox(ctx: DomainContext, retentionMs: number = OUTBOX_RETENTION_MS): Promise<number> {
  const cutoff = new Date(ctx.clock.now().getTime() - retentionMs).toISOString();
  let removed = 0;
  for (;;) {
    const result = await inOneStatement(ctx.database, (db) =>
      db
        .deleteFrom('outbox_events')
        .where('id', 'in', (eb) =>
          eb
            .selectFrom('outbox_events as e')
            .select('e.id')
            .where('e.dispatched_at', '<', cutoff)
            .where((inner) =>
              inner.not(
                inner.exists(
                  inner.selectFrom('deliveries').select('deliveries.id').whereRef('deliveries.event_id', '=', 'e.id').where('deliveries.status', '=', 'pending'),
                ),
              ),
            )
            .limit(BATCH),
        )
        .executeTakeFirst(),
    );
    const count = Number(result.numDeletedRows);
    removed += count;
    if (count < BATCH) return removed;
  }
}
