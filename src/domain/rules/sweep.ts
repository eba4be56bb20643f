// Time-based conditions (a threshold's forSeconds, inactivity) become true with no reading to notice: the sweep
// looks at the rule states that are due and acts on them. It runs in every process, every second. On PostgreSQL each
// due row is claimed with FOR UPDATE SKIP LOCKED, so two processes never judge the same row at once, and its device
// with FOR SHARE SKIP LOCKED: a device an ingest transaction holds (telemetry/storage.ts locks the devices of a
// request) is left for the next pass, and an ingest that comes second waits for the sweep and sees what it did.
// SQLite has one writer, so there is nothing to skip.
import type { Db } from '../../db/connect.js';
import { inTransaction } from '../../db/transaction.js';
import { findOpenAlertId } from '../alerts/lifecycle.js';
import type { DomainContext } from '../context.js';
import { READING_KIND } from '../../db/schema.js';
import type { Reading } from '../telemetry/model.js';
import { act } from './evaluate.js';
import { dueAt, isFreshThreshold, onTime, stateFor } from './machine.js';
import { findRule } from './repository.js';

/** Rows judged per transaction; a pass continues while full batches come back. */
const BATCH = 100;
export const SWEEP_INTERVAL_MS = 1000;

/** One pass over the due rule states; returns how many it looked at. */
export async function sweepDueRules(ctx: DomainContext): Promise<number> {
  // A plain read first: most passes find nothing due, and need not open a write transaction to learn it.
  const anyDue = await ctx.database.db
    .selectFrom('rule_states')
    .select('rule_id')
    .where('due_at', 'is not', null)
    .where('due_at', '<=', ctx.clock.now().getTime())
    .limit(1)
    .executeTakeFirst();
  if (!anyDue) return 0;
  let total = 0;
  for (;;) {
    const { seen, skipped } = await inTransaction(ctx.database, (trx) => sweepBatch(trx, ctx), { alone: true });
    total += seen;
    // A batch of rows whose devices were all busy would come back the same: they wait for the next pass.
    if (seen < BATCH || skipped === seen) return total;
  }
}

async function sweepBatch(trx: Db, ctx: DomainContext): Promise<{ seen: number; skipped: number }> {
  const dialect = ctx.database.dialect;
  const now = ctx.clock.now();
  const nowMs = now.getTime();
  let query = trx
    .selectFrom('rule_states')
    .select(['rule_id', 'device_id', 'organization_id', 'state'])
    .where('due_at', 'is not', null)
    .where('due_at', '<=', nowMs)
    .orderBy('due_at')
    .limit(BATCH);
  if (dialect.name === 'postgres') query = query.forUpdate().skipLocked();
  const due = await query.execute();
  let skipped = 0;
  for (const row of due) {
    const organizationId = row.organization_id;
    let deviceQuery = trx
      .selectFrom('devices')
      .select(['id', 'identifier', 'type', 'last_seen_at'])
      .where('organization_id', '=', organizationId)
      .where('id', '=', row.device_id);
    if (dialect.name === 'postgres') deviceQuery = deviceQuery.forShare().skipLocked();
    const device = await deviceQuery.executeTakeFirst();
    // A deleted device takes its state rows with it (foreign key): a device not found is one an ingest holds.
    if (!device) {
      skipped += 1;
      continue;
    }
    const rule = await findRule(trx, organizationId, row.rule_id);
    const where = (q: ReturnType<typeof stateUpdate>) => q.where('rule_id', '=', row.rule_id).where('device_id', '=', row.device_id);
    if (!rule || !rule.enabled || (rule.deviceType !== null && rule.deviceType !== device.type)) {
      await where(stateUpdate(trx, null, null, now)).execute();
      continue;
    }
    const alertOpen = await findOpenAlertId(trx, organizationId, rule.id, device.id);
    const lastSeenMs = device.last_seen_at === null ? null : Date.parse(device.last_seen_at);
    const step = onTime(rule, stateFor(rule, row.state || null), nowMs, alertOpen !== undefined, lastSeenMs);
    let openAfter = alertOpen;
    if (step.action) {
      const action = step.action.type === 'open' && step.action.reading === null ? { ...step.action, reading: await lastReading(trx, organizationId, device.id) } : step.action;
      openAfter = await act(trx, dialect, { organizationId, rule, device, now }, action, alertOpen);
    }
    if (step.state.kind === 'threshold' && isFreshThreshold(step.state)) {
      // A fresh threshold state is no row (machine.ts `memoryOf`).
      await trx.deleteFrom('rule_states').where('rule_id', '=', row.rule_id).where('device_id', '=', row.device_id).execute();
      continue;
    }
    await where(stateUpdate(trx, JSON.stringify(step.state), dueAt(rule, step.state, openAfter !== undefined), now)).execute();
  }
  return { seen: due.length, skipped };
}

function stateUpdate(trx: Db, state: string | null, due: number | null, now: Date) {
  return trx
    .updateTable('rule_states')
    .set({ ...(state === null ? {} : { state }), due_at: due, updated_at: now.toISOString() });
}

/** The device's most recent reading of any key, from the latest-value table. */
async function lastReading(trx: Db, organizationId: string, deviceId: string): Promise<Reading | null> {
  const row = await trx
    .selectFrom('telemetry_series')
    .select(['key', 'latest_ts', 'latest_kind', 'latest_num', 'latest_txt'])
    .where('organization_id', '=', organizationId)
    .where('device_id', '=', deviceId)
    .orderBy('latest_ts', 'desc')
    .limit(1)
    .executeTakeFirst();
  if (!row) return null;
  const value = row.latest_kind === READING_KIND.string ? (row.latest_txt ?? '') : row.latest_kind === READING_KIND.boolean ? row.latest_num === 1 : Number(row.latest_num);
  return { key: row.key, ts: Number(row.latest_ts), value };
}
