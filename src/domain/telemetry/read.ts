// Reading telemetry back: the latest value of each key, and the history of a range, reduced on the database's side
// when it holds more points than asked for.
import { sql } from 'kysely';
import type { Db } from '../../db/connect.js';
import type { DomainContext } from '../context.js';
import type { ReadingValue } from './model.js';
import { valueOf } from './storage.js';

export type LatestReadings = Record<string, { ts: number; value: ReadingValue }>;

/** Each key the device has reported, with its latest reading. An unknown device (or another organization's) has none. */
export async function latestReadings(ctx: DomainContext, organizationId: string, deviceId: string): Promise<LatestReadings> {
  const rows = await ctx.database.db
    .selectFrom('telemetry_series')
    .select(['key', 'latest_ts', 'latest_kind', 'latest_num', 'latest_txt'])
    .where('organization_id', '=', organizationId)
    .where('device_id', '=', deviceId)
    .orderBy('key')
    .execute();
  const latest: LatestReadings = {};
  for (const row of rows) latest[row.key] = { ts: Number(row.latest_ts), value: valueOf(row.latest_kind, row.latest_num, row.latest_txt) };
  return latest;
}

export interface HistoryQuery {
  /** Only these keys (default: every key of the device). */
  keys?: string[];
  /** Inclusive range, Unix milliseconds. */
  from: number;
  to: number;
  /** At most this many points per key; more are reduced (min and max per bucket). */
  maxPoints: number;
}

export interface History {
  data: Record<string, [number, ReadingValue][]>;
  /** True when at least one key had more readings in the range than maxPoints. */
  downsampled: boolean;
}

/**
 * The readings of each key in [from, to], oldest first. A key with more than maxPoints readings there is reduced to
 * its smallest and largest reading in each of maxPoints / 2 equal time buckets, in time order: a single spike
 * survives, which an average or every n-th point would lose. For strings (no order of size), the first and last of
 * each bucket.
 */
export async function readingHistory(ctx: DomainContext, organizationId: string, deviceId: string, query: HistoryQuery): Promise<History> {
  const { db } = ctx.database;
  let seriesQuery = db
    .selectFrom('telemetry_series')
    .select(['id', 'key'])
    .where('organization_id', '=', organizationId)
    .where('device_id', '=', deviceId)
    .orderBy('key');
  if (query.keys) {
    if (query.keys.length === 0) return { data: {}, downsampled: false };
    seriesQuery = seriesQuery.where('key', 'in', query.keys);
  }
  const data: History['data'] = {};
  let downsampled = false;
  for (const series of await seriesQuery.execute()) {
    const { count } = await db
      .selectFrom('readings')
      .select((eb) => eb.fn.countAll<number | string>().as('count'))
      .where('series_id', '=', series.id)
      .where('ts', '>=', query.from)
      .where('ts', '<=', query.to)
      .executeTakeFirstOrThrow();
    const reduce = Number(count) > query.maxPoints;
    const rows = reduce ? await bucketExtremes(db, series.id, query) : await allReadings(db, series.id, query);
    downsampled ||= reduce;
    data[series.key] = rows.map((row) => [Number(row.ts), valueOf(row.kind, row.num, row.txt)]);
  }
  return { data, downsampled };
}

interface PointRow {
  ts: number;
  kind: number;
  num: number | null;
  txt: string | null;
}

function allReadings(db: Db, seriesId: number, query: HistoryQuery): Promise<PointRow[]> {
  return db
    .selectFrom('readings')
    .select(['ts', 'kind', 'num', 'txt'])
    .where('series_id', '=', seriesId)
    .where('ts', '>=', query.from)
    .where('ts', '<=', query.to)
    .orderBy('ts')
    .execute();
}

async function bucketExtremes(db: Db, seriesId: number, query: HistoryQuery): Promise<PointRow[]> {
  const buckets = Math.max(1, Math.floor(query.maxPoints / 2));
  const span = query.to - query.from + 1;
  // Integer arithmetic on both databases: (ts - from) * buckets stays far below 2^63 for any ts in milliseconds.
  const result = await sql<PointRow>`
    select ts, kind, num, txt from (
      select ts, kind, num, txt,
        row_number() over (partition by bucket order by num asc nulls last, ts asc) as lowest,
        row_number() over (partition by bucket order by num desc nulls last, ts desc) as highest
      from (
        select ts, kind, num, txt, cast(((ts - ${query.from}) * ${buckets}) / ${span} as bigint) as bucket
        from readings where series_id = ${seriesId} and ts >= ${query.from} and ts <= ${query.to}
      ) as bucketed
    ) as ranked
    where lowest = 1 or highest = 1
    order by ts`.execute(db);
  return result.rows;
}
