// What every list of the read model shares: options, cursors, the search text, a searched page and a count.
import type { SelectQueryBuilder } from 'kysely';
import { decodeCursor, keysetPage, MAX_SEARCH_LENGTH, rowsPast, type Page } from './cursor.js';
import { DomainError } from '../errors.js';
import type { Metadata } from '../metadata.js';

export interface ListOptions {
  limit: number;
  cursor?: string | undefined;
}

/** A list searched by one text (`q`), as customers and devices are. */
export type SearchListOptions = ListOptions & { q?: string | undefined };

export function cursorOrFail(raw: string | undefined) {
  if (raw === undefined || raw === '') return undefined;
  const cursor = decodeCursor(raw);
  if (!cursor) throw new DomainError({ code: 'invalid_input', field: 'cursor', reason: 'is invalid: not a cursor this server produced' });
  return cursor;
}

/** The search text, trimmed; undefined when blank. Too long or with NUL: invalid_input on field `q`. */
export function searchText(raw: string | undefined): string | undefined {
  const q = raw?.trim();
  if (!q) return undefined;
  if (q.length > MAX_SEARCH_LENGTH) throw new DomainError({ code: 'invalid_input', field: 'q', reason: `must be at most ${MAX_SEARCH_LENGTH} characters` });
  if (q.includes('\0')) throw new DomainError({ code: 'invalid_input', field: 'q', reason: 'must not contain NUL characters' });
  return q;
}

export function parseMetadata(text: string): Metadata {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Metadata) : {};
  } catch {
    return {};
  }
}

/**
 * The newest-first page, walked both ways, of the rows `rows` selects for the search text: rows of a table keyed by
 * (created_at, id). The cursor is checked before the search text.
 */
export async function searchPage<DB, TB extends keyof DB, O extends { id: string; created_at: string }, T>(
  options: SearchListOptions,
  rows: (q: string | undefined) => SelectQueryBuilder<DB, TB, O>,
  present: (row: O) => T,
): Promise<Page<T>> {
  const cursor = cursorOrFail(options.cursor);
  const query = rows(searchText(options.q));
  return keysetPage(cursor, options.limit, rowsPast(query, 'created_at', 'id', options.limit), (r) => r.created_at, present);
}

/** How many rows `query` selects. */
export async function countRows<DB, TB extends keyof DB>(query: SelectQueryBuilder<DB, TB, object>): Promise<number> {
  // Kysely cannot name the selection's type for a query of any table; the count is what it is for every table.
  const row = await query
    .select((eb) => eb.fn.countAll().as('n'))
    .$castTo<{ n: string | number | bigint }>()
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
