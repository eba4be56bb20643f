// The rules every reading obeys live in reading-rules.js (plain JavaScript, for the batch path's worker thread);
// here their problems become the domain's invalid_input error.
import { DomainError } from '../errors.js';
import { ReadingProblem } from './reading-rules.js';

export function invalid(field: string, reason: string): DomainError {
  return new DomainError({ code: 'invalid_input', field, reason });
}

/** A ReadingProblem as invalid_input naming the same field; any other error as it is. */
export function asDomainError(error: unknown): unknown {
  return error instanceof ReadingProblem ? invalid(error.field, error.reason) : error;
}
