// Shared pieces of the /api/v1 resource routes. Pagination: `limit` (1-100, default 25) and an opaque `cursor` in,
// `{data, nextCursor}` out; the cursor is the (sort key, id) of the last row, so pages stay stable under inserts.
// Also the path id reader, the mapping of domain problems, and OpenAPI tagging.
import { Type, type TSchema } from '@sinclair/typebox';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../../domain/dashboard/cursor.js';
import { isDomainError } from '../../domain/errors.js';
import { isUuid } from '../../domain/ids.js';
import { V1Error } from './errors.js';

export const PaginationQuery = {
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_PAGE_SIZE, default: DEFAULT_PAGE_SIZE, description: `Page size, 1-${MAX_PAGE_SIZE} (default ${DEFAULT_PAGE_SIZE})` })),
  cursor: Type.Optional(Type.String({ maxLength: 300, description: 'nextCursor of the previous page' })),
};

export function PageOf<T extends TSchema>(item: T) {
  return Type.Object({
    data: Type.Array(item),
    nextCursor: Type.Union([Type.String(), Type.Null()], { description: 'Pass as cursor for the next page; null on the last page' }),
  });
}


export const IdParams = Type.Object({ id: Type.String({ description: 'The record id (UUID)' }) });

/** A path id, or the same 404 as a record of another organization. */
export function idOr404(params: unknown, what: string): string {
  const id = (params as { id?: unknown }).id;
  if (typeof id !== 'string' || !isUuid(id)) throw new V1Error('not_found', `${what} not found`);
  return id.toLowerCase();
}

/** Domain problems of list and workflow calls, as /api/v1 errors; anything else propagates. */
export function v1Problem(error: unknown): never {
  if (isDomainError(error, 'invalid_input')) throw new V1Error('bad_request', `${error.problem.field} ${error.problem.reason}`);
  if (isDomainError(error, 'ticket_not_found')) throw new V1Error('not_found', 'Ticket not found');
  throw error;
}

export function readLimit(query: { limit?: number }): number {
  return query.limit ?? DEFAULT_PAGE_SIZE;
}

export const Timestamp = Type.String({ format: 'date-time' });
export const Metadata = Type.Object({}, { additionalProperties: true });

const SECURITY: Array<Record<string, string[]>> = [{ integrationToken: [] }, { sessionCookie: [] }];

/** OpenAPI tag and the two ways in: a Bearer integration token or a dashboard session cookie. */
export const tagged = (tag: string) => ({ tags: [tag], security: SECURITY });
