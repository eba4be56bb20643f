// Domain problems of ingest as /api/v1 errors: a refused request names the key, field or line at fault.
import { isDomainError } from '../../../domain/errors.js';
import { V1Error } from '../errors.js';

export function ingestProblem(error: unknown): never {
  if (isDomainError(error, 'invalid_input')) throw new V1Error('bad_request', `${error.problem.field} ${error.problem.reason}`);
  if (isDomainError(error, 'device_not_found')) throw new V1Error('not_found', 'Device not found');
  throw error;
}
