import { isDomainError } from '../../../domain/errors.js';
import { V1Error } from '../errors.js';

/** Maps the domain's key problems to /api/v1 errors; anything else propagates. */
export function keyNotFound(error: unknown): never {
  if (isDomainError(error, 'api_key_not_found')) throw new V1Error('not_found', 'API key not found');
  if (isDomainError(error, 'api_key_revoked')) throw new V1Error('conflict', 'API key is already revoked; create a new one');
  throw error;
}
