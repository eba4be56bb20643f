// What the dashboard's read models share: list options, the cursor check, metadata parsing.
import { decodeCursor } from './cursor.js';
import { DomainError } from '../errors.js';
import type { Metadata } from '../metadata.js';

export interface ListOptions {
  limit: number;
  cursor?: string | undefined;
}

export function cursorOrFail(raw: string | undefined) {
  if (raw === undefined || raw === '') return undefined;
  const cursor = decodeCursor(raw);
  if (!cursor) throw new DomainError({ code: 'invalid_input', field: 'cursor', reason: 'is not a cursor this server produced' });
  return cursor;
}

export function parseMetadata(text: string): Metadata {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Metadata) : {};
  } catch {
    return {};
  }
}
