// Keyset pagination for the dashboard lists and /api/v1: a cursor is the (sort key, id) of the last row of a page,
// base64url-encoded JSON, opaque to clients. Rows inserted later do not shift the pages after it, unlike OFFSET.
import { sql, type Expression, type SqlBool } from 'kysely';

export interface Cursor {
  key: string;
  id: string;
}

export const MAX_PAGE_SIZE = 100;
export const DEFAULT_PAGE_SIZE = 25;

export interface Page<T> {
  data: T[];
  nextCursor: string | null;
}

export function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify([cursor.key, cursor.id]), 'utf8').toString('base64url');
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
    if (Array.isArray(value) && value.length === 2 && typeof value[0] === 'string' && typeof value[1] === 'string') {
      if (!isTimestamp(value[0]) || !ID.test(value[1])) return null;
      return { key: value[0], id: value[1] };
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
