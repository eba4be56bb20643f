// PostgreSQL only: readings are partitioned by day (UTC) on ts, so that retention drops a day's partition instead of
// deleting its rows. This job keeps the partitions of today and the next days in place; whatever falls outside
// every partition (a backfill of old readings, a clock far off) lands in readings_default, which retention empties
// row by row.
//
// Every server process runs it. Creating and dropping partitions run under one transaction-scoped advisory lock,
// and each step checks again under the lock whether it is still needed, so processes never trip over each other.
import { sql } from 'kysely';
import type { Db } from '../../db/connect.js';
import { inTransaction } from '../../db/transaction.js';
import type { DomainContext } from '../context.js';

export const DAY_MS = 24 * 60 * 60 * 1000;
/** Partitions created ahead of today, so that a day's readings never start in the default partition. */
export const PARTITION_DAYS_AHEAD = 3;
/** An arbitrary constant naming Telemap's readings maintenance among advisory locks. */
const MAINTENANCE_LOCK = 0x74_6c_6d_72; // "tlmr"
const PARTITION_NAME = /^readings_(\d{4})(\d{2})(\d{2})$/;

export function partitionName(dayStartMs: number): string {
  return `readings_${new Date(dayStartMs).toISOString().slice(0, 10).replaceAll('-', '')}`;
}

/** The day (UTC) that a partition holds, as [start, end) in ms; undefined for tables not named by this job. */
export function partitionRange(name: string): { start: number; end: number } | undefined {
  const match = PARTITION_NAME.exec(name);
  if (!match) return undefined;
  const start = Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
  return { start, end: start + DAY_MS };
}

export async function listPartitions(db: Db): Promise<string[]> {
  const result = await sql<{ name: string }>`
    select c.relname as name from pg_inherits i
      join pg_class c on c.oid = i.inhrelid
      join pg_class p on p.oid = i.inhparent
    where p.relname = 'readings' and p.relnamespace = current_schema()::regnamespace
    order by c.relname`.execute(db);
  return result.rows.map((row) => row.name);
}

/** Creates the partitions of today and the next PARTITION_DAYS_AHEAD days that do not exist yet. Returns their names. */
export async function ensurePartitions(ctx: DomainContext): Promise<string[]> {
  const { db } = ctx.database;
  const today = Math.floor(ctx.clock.now().getTime() / DAY_MS) * DAY_MS;
  const wanted = Array.from({ length: PARTITION_DAYS_AHEAD + 1 }, (_, i) => today + i * DAY_MS);
  const existing = new Set(await listPartitions(db));
  const missing = wanted.filter((start) => !existing.has(partitionName(start)));
  const created: string[] = [];
  for (const start of missing) {
    const made = await inTransaction(ctx.database, async (trx) => {
      await sql`select pg_advisory_xact_lock(${MAINTENANCE_LOCK})`.execute(trx);
      const name = partitionName(start);
      if ((await listPartitions(trx)).includes(name)) return false;
      const table = sql.table(name);
      const [from, to] = [sql.lit(start), sql.lit(start + DAY_MS)];
      // Readings of that day that arrived before the partition existed are in the default partition; they move
      // into the new table, since attaching it requires the default to hold none of its range.
      // Inserts wait here, before they choose a partition: an insert routed to the default partition before the
      // attach and run after it would break the default's new constraint, and one that lands there between the
      // move and the attach would make the attach fail.
      await sql`lock table readings in share row exclusive mode`.execute(trx);
      await sql`create table ${table} (like readings including all)`.execute(trx);
      await sql`
        with moved as (delete from readings_default where ts >= ${from} and ts < ${to} returning series_id, ts, kind, num, txt)
        insert into ${table} (series_id, ts, kind, num, txt) select series_id, ts, kind, num, txt from moved`.execute(trx);
      await sql`alter table readings attach partition ${table} for values from (${from}) to (${to})`.execute(trx);
      return true;
    });
    if (made) created.push(partitionName(start));
  }
  return created;
}

/**
 * Drops the partitions whose whole day is older than `cutoffMs` and deletes the default partition's rows older
 * than it. A partition that straddles the cutoff stays until its day has passed it entirely.
 */
export async function dropPartitionsBefore(ctx: DomainContext, cutoffMs: number): Promise<{ dropped: string[]; deleted: number }> {
  const { db } = ctx.database;
  const expired = (await listPartitions(db)).filter((name) => {
    const range = partitionRange(name);
    return range !== undefined && range.end <= cutoffMs;
  });
  const dropped: string[] = [];
  for (const name of expired) {
    await inTransaction(ctx.database, async (trx) => {
      await sql`select pg_advisory_xact_lock(${MAINTENANCE_LOCK})`.execute(trx);
      if (!(await listPartitions(trx)).includes(name)) return;
      await sql`drop table ${sql.table(name)}`.execute(trx);
      dropped.push(name);
    });
  }
  const result = await sql`delete from readings_default where ts < ${cutoffMs}`.execute(db);
  return { dropped, deleted: Number(result.numAffectedRows ?? 0n) };
}
