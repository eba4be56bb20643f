// A batch read by batch-parse.js (JSON or CSV, keyed by device identifier), its refusal as the domain's error.
import type { DomainError } from '../errors.js';
import type { BatchReadings } from './batch-parse.js';
import type { Reading } from './model.js';
import { invalid } from './validate.js';

/** The readings of a batch per device identifier, or the error that refused it and the identifiers it named. */
export type ParsedBatch =
  | { ok: true; byIdentifier: Map<string, Reading[]> }
  | { ok: false; error: DomainError; identifiers: string[] };

export function parsedBatch(read: BatchReadings): ParsedBatch {
  if (read.ok) return read;
  return { ok: false, error: invalid(read.problem.field, read.problem.reason), identifiers: read.identifiers };
}
