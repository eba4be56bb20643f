// Domain problems of the /api/v1 list and workflow calls, as /api/v1 errors. API keys map their own
// (api-keys/problems.ts).
import { isDomainError } from '../../domain/errors.js';
import { V1Error } from './errors.js';

/** Throws the /api/v1 error for a known domain problem; anything else propagates as it is. */
export function v1Problem(error: unknown): never {
  if (isDomainError(error, 'invalid_input')) throw new V1Error('bad_request', `${error.problem.field} ${error.problem.reason}`);
  if (isDomainError(error, 'ticket_not_found')) throw new V1Error('not_found', 'Ticket not found');
  if (isDomainError(error, 'customer_not_found')) throw new V1Error('not_found', 'Customer not found');
  if (isDomainError(error, 'device_not_found')) throw new V1Error('not_found', 'Device not found');
  throw error;
}
