// Readings older than the retention (TELEMAP_TELEMETRY_RETENTION_DAYS) are removed by a periodic job that every
// server process runs: on PostgreSQL by dropping whole day partitions (partitions.ts), on SQLite by deleting rows,
// one series at a time so that each delete is a short range of the primary key and writers never wait long.
import { sql } from 'kysely';
import { inOneStatement } from '../../db/transaction.js';
import type { DomainContext } from '../context.js';
import { DAY_MS, dropPartitionsBefore, ensurePartitions } from './partitions.js';

export interface RetentionResult {
  /** PostgreSQL: the partitions dropped. */
  droppedPartitions: string[];
  /** Rows deleted one by one (SQLite; the default partition on PostgreSQL). */
  deletedReadings: number;
}

export function retentionCutoffMs(ctx: DomainContext, retentionDays: number): number {
  return ctx.clock.now().getTime() - retentionDays * DAY_MS;
}

export async function removeExpiredReadings(ctx: DomainContext, retentionDays: number): Promise<RetentionResult> {
  const cutoff = retentionCutoffMs(ctx, retentionDays);
  if (ctx.database.dialect.name === 'postgres') {
    const { dropped, deleted } = await dropPartitionsBefore(ctx, cutoff);
    return { droppedPartitions: dropped, deletedReadings: deleted };
  }
  return { droppedPartitions: [], deletedReadings: await deleteSqliteReadingsBefore(ctx, cutoff) };
}

/**
 * Walks the series present in readings by seeking the primary key (no scan of the table), and deletes each one's
 * readings older than the cutoff; a series that no longer exists (its device's organization was purged) loses all.
 */
async function deleteSqliteReadingsBefore(ctx: DomainContext, cutoffMs: number): Promise<number> {
  const { db } = ctx.database;
  let deleted = 0;
  let after = -1;
  for (;;) {
    const next = await sql<{ series_id: number; live: number | null }>`
      select r.series_id, (select 1 from telemetry_series s where s.id = r.series_id) as live
      from readings r where r.series_id > ${after} order by r.series_id limit 1`.execute(db);
    const row = next.rows[0];
    if (!row) return deleted;
    after = row.series_id;
    const before = row.live === null ? Number.MAX_SAFE_INTEGER : cutoffMs;
    const result = await inOneStatement(ctx.database, (trx) =>
      trx.deleteFrom('readings').where('series_id', '=', row.series_id).where('ts', '<', before).executeTakeFirst(),
    );
    deleted += Number(result.numDeletedRows);
  }
}

export interface MaintenanceResult extends RetentionResult {
  createdPartitions: string[];
}

/** One run of the job: partitions ahead (PostgreSQL), then retention. */
export async function maintainReadings(ctx: DomainContext, retentionDays: number): Promise<MaintenanceResult> {
  const createdPartitions = ctx.database.dialect.name === 'postgres' ? await ensurePartitions(ctx) : [];
  return { createdPartitions, ...(await removeExpiredReadings(ctx, retentionDays)) };
}
