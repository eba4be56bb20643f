// What every list of the read model shares: options, cursors and the search text.
import { decodeCursor, MAX_SEARCH_LENGTH } from './cursor.js';
import { DomainError } from '../errors.js';
import type { Metadata } from '../metadata.js';

export interface ListOptions {
  limit: number;
  cursor?: string | undefined;
}

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
