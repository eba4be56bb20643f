// The statements of ingest: series (the latest-value table) and readings, written in as few statements as each
// database allows. Queries are written as SQL text with their parameters, not built with Kysely: an ingest of
// 10,000 readings would otherwise build and compile an AST of 50,000 values.
import { CompiledQuery, sql } from 'kysely';
import type { Db } from '../../db/connect.js';
import { prepared } from '../../db/prepared.js';
import { inTurns, slicesBySize } from '../../db/slices.js';
import type { DialectName } from '../../db/dialect.js';
import { READING_KIND, type ReadingKind } from '../../db/schema.js';
import type { Reading, ReadingValue } from './model.js';

export interface StoredValue {
  kind: ReadingKind;
  num: number | null;
  txt: string | null;
}

export function storedValue(value: ReadingValue): StoredValue {
  if (typeof value === 'number') return { kind: READING_KIND.number, num: value, txt: null };
  if (typeof value === 'boolean') return { kind: READING_KIND.boolean, num: value ? 1 : 0, txt: null };
  return { kind: READING_KIND.string, num: null, txt: value };
}

export function valueOf(kind: number, num: number | null, txt: string | null): ReadingValue {
  if (kind === READING_KIND.boolean) return num === 1;
  if (kind === READING_KIND.string) return txt ?? '';
  return num ?? 0;
}

export interface DeviceRef {
  id: string;
  identifier: string;
  type: string | null;
}

/**
 * Sets last_seen_at on the organization's devices among `deviceIds` and returns them. On PostgreSQL the rows are
 * locked in id order first: two requests for one device then run one after the other from here on, so both never
 * take the same reading for newer than the latest, and requests sharing several devices cannot deadlock.
 */
export async function touchDevices(
  trx: Db,
  dialect: DialectName,
  organizationId: string,
  deviceIds: readonly string[],
  seenAt: string,
): Promise<DeviceRef[]> {
  if (deviceIds.length === 1) {
    return touchOne(trx, seenAt, organizationId, deviceIds[0]!);
  }
  const ids = sql.join(deviceIds.map((id) => sql`${id}`));
  const lock = dialect === 'postgres' ? sql` order by id for update` : sql``;
  const result = await sql<DeviceRef>`
    update devices set last_seen_at = ${seenAt}
    where id in (select id from devices where organization_id = ${organizationId} and id in (${ids})${lock})
    returning id, identifier, type`.execute(trx);
  return result.rows;
}

// A device posting its own readings touches one device: these run on every such request, compiled once
// (db/prepared.ts). On PostgreSQL the UPDATE locks the one row it changes, which is all the locking one row needs.
const touchOne = prepared((db: Db, seenAt: string, organizationId: string, id: string) =>
  db
    .updateTable('devices')
    .set({ last_seen_at: seenAt })
    .where('organization_id', '=', organizationId)
    .where('id', '=', id)
    .returning(['id', 'identifier', 'type']),
);
export interface SeriesRow {
  id: number;
  device_id: string;
  key: string;
  latest_ts: number;
}

const seriesOfOne = prepared((db: Db, deviceId: string) =>
  db.selectFrom('telemetry_series').select(['id', 'device_id', 'key', 'latest_ts']).where('device_id', '=', deviceId),
);

/** The series of these devices (every key they have reported). */
export async function seriesOf(trx: Db, deviceIds: readonly string[]): Promise<SeriesRow[]> {
  if (deviceIds.length === 1) return seriesOfOne(trx, deviceIds[0]!);
  return trx
    .selectFrom('telemetry_series')
    .select(['id', 'device_id', 'key', 'latest_ts'])
    .where('device_id', 'in', deviceIds)
    .execute();
}

export interface NewSeries {
  deviceId: string;
  key: string;
  latest: Reading;
}

/** Creates series with their first latest reading; returns their ids. The devices are locked (touchDevices). */
export async function insertSeries(trx: Db, organizationId: string, series: readonly NewSeries[]): Promise<SeriesRow[]> {
  const rows: SeriesRow[] = [];
  // 7 parameters a row: far below either database's bound in chunks of 1000, a turn of the event loop apart.
  await inTurns(slicesBySize(series, () => 1, 1000), async (chunk) => {
    const inserted = await trx
      .insertInto('telemetry_series')
      .values(
        chunk.map(({ deviceId, key, latest }) => {
          const stored = storedValue(latest.value);
          return {
            organization_id: organizationId,
            device_id: deviceId,
            key,
            latest_ts: latest.ts,
            latest_kind: stored.kind,
            latest_num: stored.num,
            latest_txt: stored.txt,
          };
        }),
      )
      .returning(['id', 'device_id', 'key', 'latest_ts'])
      .execute();
    rows.push(...inserted);
  });
  return rows;
}

/** Moves a series' latest reading forward (never back: the WHERE keeps a newer one). */
export async function advanceLatest(trx: Db, dialect: DialectName, updates: readonly { seriesId: number; latest: Reading }[]): Promise<void> {
  if (updates.length === 0) return;
  if (dialect === 'postgres') {
    const ids: number[] = [];
    const ts: number[] = [];
    const kinds: number[] = [];
    const nums: (number | null)[] = [];
    const txts: (string | null)[] = [];
    for (const { seriesId, latest } of updates) {
      const stored = storedValue(latest.value);
      ids.push(seriesId);
      ts.push(latest.ts);
      kinds.push(stored.kind);
      nums.push(stored.num);
      txts.push(stored.txt);
    }
    await trx.executeQuery(
      CompiledQuery.raw(
        `update telemetry_series s set latest_ts = u.ts, latest_kind = u.kind, latest_num = u.num, latest_txt = u.txt
         from unnest($1::bigint[], $2::bigint[], $3::smallint[], $4::float8[], $5::text[]) as u(id, ts, kind, num, txt)
         where s.id = u.id and s.latest_ts < u.ts`,
        [ids, ts, kinds, nums, txts],
      ),
    );
    return;
  }
  const statement = `update telemetry_series set latest_ts = ?, latest_kind = ?, latest_num = ?, latest_txt = ? where id = ? and latest_ts < ?`;
  await inTurns(sqliteSlices(updates, ({ latest }) => latest.value), async (slice) => {
    for (const { seriesId, latest } of slice) {
      const stored = storedValue(latest.value);
      await trx.executeQuery(CompiledQuery.raw(statement, [latest.ts, stored.kind, stored.num, stored.txt, seriesId, latest.ts]));
    }
  });
}

export interface ReadingRow {
  seriesId: number;
  ts: number;
  value: ReadingValue;
}

/**
 * better-sqlite3 runs each statement on the event loop, so SQLite's writes of a large request go a slice at a time,
 * with a turn of the event loop between slices (db/slices.ts `inTurns`): a slice carries at most this much value
 * text, a row counting as at least SQLITE_ROW_COST characters for what it costs beyond its text. Slices of a
 * whole 10 MiB request would hold the loop longer than one request may (docs/security.md). Only a request of
 * thousands of readings makes more than one slice, and such a request commits alone (ingest.ts), so no other
 * request's transaction waits in the same group for its turns.
 */
const SQLITE_CHARACTERS_PER_TURN = 1024 * 1024;
const SQLITE_ROW_COST = 512;
/** So a slice of readings is one statement: SQLite binds at most 32,766 parameters per statement; 5 per reading. */
const SQLITE_ROWS_PER_STATEMENT = SQLITE_CHARACTERS_PER_TURN / SQLITE_ROW_COST;

function sqliteSlices<T>(rows: readonly T[], valueOf: (row: T) => ReadingValue): T[][] {
  return slicesBySize(
    rows,
    (row) => {
      const value = valueOf(row);
      return typeof value === 'string' ? Math.max(value.length, SQLITE_ROW_COST) : SQLITE_ROW_COST;
    },
    SQLITE_CHARACTERS_PER_TURN,
  );
}
const UPSERT_TAIL = ' on conflict (series_id, ts) do update set kind = excluded.kind, num = excluded.num, txt = excluded.txt';

/**
 * Inserts readings, replacing the value of a (series, ts) already stored. The rows must be unique on (series, ts):
 * PostgreSQL refuses a statement that would update one row twice. On PostgreSQL the rows go as five arrays
 * (unnest), so any number of them is one statement of five parameters, far from its 65,535; on SQLite as
 * multi-row VALUES statements, one per slice (sqliteSlices).
 */
export async function upsertReadings(trx: Db, dialect: DialectName, rows: readonly ReadingRow[]): Promise<void> {
  if (rows.length === 0) return;
  if (dialect === 'postgres') {
    const ids = new Array<number>(rows.length);
    const ts = new Array<number>(rows.length);
    const kinds = new Array<number>(rows.length);
    const nums = new Array<number | null>(rows.length);
    const txts = new Array<string | null>(rows.length);
    rows.forEach((row, i) => {
      const stored = storedValue(row.value);
      ids[i] = row.seriesId;
      ts[i] = row.ts;
      kinds[i] = stored.kind;
      nums[i] = stored.num;
      txts[i] = stored.txt;
    });
    await trx.executeQuery(
      CompiledQuery.raw(
        `insert into readings (series_id, ts, kind, num, txt)
         select * from unnest($1::bigint[], $2::bigint[], $3::smallint[], $4::float8[], $5::text[])${UPSERT_TAIL}`,
        [ids, ts, kinds, nums, txts],
      ),
    );
    return;
  }
  await inTurns(sqliteSlices(rows, (row) => row.value), async (chunk) => {
    const parameters: unknown[] = [];
    for (const row of chunk) {
      const stored = storedValue(row.value);
      parameters.push(row.seriesId, row.ts, stored.kind, stored.num, stored.txt);
    }
    await trx.executeQuery(CompiledQuery.raw(sqliteInsertText(chunk.length), parameters));
  });
}

const sqliteInsertTexts = new Map<number, string>();

function sqliteInsertText(rowCount: number): string {
  let text = sqliteInsertTexts.get(rowCount);
  if (!text) {
    text = `insert into readings (series_id, ts, kind, num, txt) values ${new Array(rowCount).fill('(?,?,?,?,?)').join(',')}${UPSERT_TAIL}`;
    // The row counts of requests vary; keep the texts of the common small ones and the full chunk.
    if (rowCount <= 64 || rowCount === SQLITE_ROWS_PER_STATEMENT) sqliteInsertTexts.set(rowCount, text);
  }
  return text;
}
