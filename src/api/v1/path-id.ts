// The record id in an /api/v1 path (`/customers/:id` and the like).
import { Type } from '@sinclair/typebox';
import { isUuid } from '../../domain/ids.js';
import { V1Error } from './errors.js';

export const IdParams = Type.Object({ id: Type.String({ description: 'The record id (UUID)' }) });

/** A path id, or the same 404 as a record of another organization. */
export function idOr404(params: unknown, what: string): string {
  const id = (params as { id?: unknown }).id;
  if (typeof id !== 'string' || !isUuid(id)) throw new V1Error('not_found', `${what} not found`);
  return id.toLowerCase();
}
