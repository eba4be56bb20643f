// Keyset pagination for the dashboard lists and /api/v1: a cursor is the (sort key, id) of the last row of a page,
// base64url-encoded JSON, opaque to clients. Rows inserted later do not shift the pages after it, unlike OFFSET.
import { sql, type Expression, type SelectQueryBuilder, type SqlBool } from 'kysely';

export interface Cursor {
  key: string;
  id: string;
  /** A cursor of `prevCursor`: the page before (newer than) this row. */
  backward?: boolean;
}

export const MAX_PAGE_SIZE = 100;
export const DEFAULT_PAGE_SIZE = 25;

export interface Page<T> {
  data: T[];
  nextCursor: string | null;
  /** The page before this one (lists that page both ways); null on the first page. */
  prevCursor?: string | null;
}

export function encodeCursor(cursor: Cursor): string {
  const value = cursor.backward ? [cursor.key, cursor.id, 'b'] : [cursor.key, cursor.id];
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
}

// Every list sorts by a timestamp as the server writes it (Date#toISOString) and breaks ties by id (a UUID). A
// cursor is checked against both shapes in full here, so that nothing a client crafts reaches the database as a
// value it cannot compare (PostgreSQL refuses a key that is no timestamp, and any string holding NUL).
const ISO_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const ID = /^[0-9A-Za-z-]{1,64}$/;

function isTimestamp(value: string): boolean {
  if (!ISO_TIMESTAMP.test(value)) return false;
  const time = Date.parse(value);
  return Number.isFinite(time) && new Date(time).toISOString() === value;
}

/** The decoded cursor, or null when it is not one this server produced. */
export function decodeCursor(raw: string): Cursor | null {
  if (!/^[A-Za-z0-9_-]{1,300}$/.test(raw)) return null;
  try {
    const value: unknown = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
    const backward = Array.isArray(value) && value.length === 3 && value[2] === 'b';
    if (Array.isArray(value) && (value.length === 2 || backward) && typeof value[0] === 'string' && typeof value[1] === 'string') {
      if (!isTimestamp(value[0]) || !ID.test(value[1])) return null;
      return backward ? { key: value[0], id: value[1], backward } : { key: value[0], id: value[1] };
    }
  } catch {
    // fall through
  }
  return null;
}

/** `(key, id) < (cursor.key, cursor.id)` written out, for newest-first lists; portable across both dialects. */
export function before(keyColumn: string, idColumn: string, cursor: Cursor): Expression<SqlBool> {
  const key = sql.ref(keyColumn);
  const id = sql.ref(idColumn);
  return sql<SqlBool>`(${key} < ${cursor.key} or (${key} = ${cursor.key} and ${id} < ${cursor.id}))`;
}

/** `(key, id) > (cursor.key, cursor.id)`: the rows newer than the cursor, for paging backwards. */
export function after(keyColumn: string, idColumn: string, cursor: Cursor): Expression<SqlBool> {
  const key = sql.ref(keyColumn);
  const id = sql.ref(idColumn);
  return sql<SqlBool>`(${key} > ${cursor.key} or (${key} = ${cursor.key} and ${id} > ${cursor.id}))`;
}

/** Which way a page is read: older rows after a cursor (newest first), or newer rows before it (oldest first). */
export type Direction = 'older' | 'newer';

/**
 * keysetPage's `fetch` for `query`: `limit + 1` of its rows past the cursor in the given direction, ordered by
 * (key, id) that way.
 */
export function rowsPast<DB, TB extends keyof DB, O>(query: SelectQueryBuilder<DB, TB, O>, keyColumn: string, idColumn: string, limit: number) {
  return (direction: Direction, at: Cursor | undefined) => {
    const past = at ? query.where(direction === 'older' ? before(keyColumn, idColumn, at) : after(keyColumn, idColumn, at)) : query;
    const order = direction === 'older' ? 'desc' : 'asc';
    return past.orderBy(sql.ref(keyColumn), order).orderBy(sql.ref(idColumn), order).limit(limit + 1).execute();
  };
}

/**
 * A newest-first page that can be walked both ways. `fetch` reads `limit + 1` rows past the cursor in the given
 * direction: `older` newest first with `before`, `newer` oldest first with `after`. Both are index range scans on
 * (key, id), so going back costs what going forward does, at any depth.
 */
export async function keysetPage<R extends { id: string }, T>(
  cursor: Cursor | undefined,
  limit: number,
  fetch: (direction: Direction, cursor: Cursor | undefined) => Promise<R[]>,
  keyOf: (row: R) => string,
  present: (row: R) => T,
): Promise<Page<T>> {
  const at = (row: R | undefined, backward: boolean) => (row ? encodeCursor({ key: keyOf(row), id: row.id, backward }) : null);
  if (cursor?.backward) {
    const rows = await fetch('newer', cursor);
    const more = rows.length > limit;
    const pageRows = rows.slice(0, limit).reverse();
    return { data: pageRows.map(present), nextCursor: at(pageRows[pageRows.length - 1], false), prevCursor: more ? at(pageRows[0], true) : null };
  }
  const rows = await fetch('older', cursor);
  const more = rows.length > limit;
  const pageRows = more ? rows.slice(0, limit) : rows;
  return {
    data: pageRows.map(present),
    nextCursor: more ? at(pageRows[pageRows.length - 1], false) : null,
    prevCursor: cursor ? at(pageRows[0], true) : null,
  };
}

/** Search text: trimmed, at most 200 characters, no NUL (refused as invalid_input by the caller's surface). */
export const MAX_SEARCH_LENGTH = 200;

/** Cuts one extra fetched row into `nextCursor`. */
export function toPage<R extends { id: string }, T>(rows: R[], limit: number, keyOf: (row: R) => string, present: (row: R) => T): Page<T> {
  const more = rows.length > limit;
  const pageRows = more ? rows.slice(0, limit) : rows;
  const last = pageRows[pageRows.length - 1];
  return {
    data: pageRows.map(present),
    nextCursor: more && last ? encodeCursor({ key: keyOf(last), id: last.id }) : null,
  };
}

/** A LIKE pattern matching `text` anywhere, with LIKE's wildcards in `text` taken literally (escape `\`). */
export function containsPattern(text: string): string {
  return `%${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

export function likeContains(column: string, text: string): Expression<SqlBool> {
  return sql<SqlBool>`lower(${sql.ref(column)}) like ${containsPattern(text)} escape '\\'`;
}
