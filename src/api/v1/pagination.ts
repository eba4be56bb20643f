// Pagination of the /api/v1 list routes: `limit` (1-100, default 25) and an opaque `cursor` in, `{data, nextCursor}`
// out; the cursor is the (sort key, id) of the last row, so pages stay stable under inserts.
import { Type, type TSchema } from '@sinclair/typebox';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../../domain/dashboard/cursor.js';

export const PaginationQuery = {
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_PAGE_SIZE, default: DEFAULT_PAGE_SIZE, description: `Page size, 1-${MAX_PAGE_SIZE} (default ${DEFAULT_PAGE_SIZE})` })),
  cursor: Type.Optional(Type.String({ maxLength: 300, description: 'nextCursor (or prevCursor) of a page' })),
};

export function PageOf<T extends TSchema>(item: T) {
  return Type.Object({
    data: Type.Array(item),
    nextCursor: Type.Union([Type.String(), Type.Null()], { description: 'Pass as cursor for the next page; null on the last page' }),
    prevCursor: Type.Optional(
      Type.Union([Type.String(), Type.Null()], { description: 'Pass as cursor for the page before this one; null on the first page' }),
    ),
  });
}

export function readLimit(query: { limit?: number }): number {
  return query.limit ?? DEFAULT_PAGE_SIZE;
}
