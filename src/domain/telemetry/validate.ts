// The rules every reading obeys, whichever path brought it in (HTTP device or batch shapes, CSV, MQTT).
import { DomainError } from '../errors.js';
import {
  MAX_FUTURE_SKEW_MS,
  MAX_KEY_LENGTH,
  MAX_READINGS_PER_REQUEST,
  MAX_STRING_VALUE_LENGTH,
  type ReadingValue,
} from './model.js';

// C0 and C1 control characters and DEL: invisible in every place a key is shown, and a way to forge log lines.
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f-\u009f]/;

export function invalid(field: string, reason: string): DomainError {
  return new DomainError({ code: 'invalid_input', field, reason });
}

/** A key as the contract allows it (1 to 255 characters, no control characters), else a 400 naming it. */
export function checkKey(key: string): string {
  if (key.length === 0 || key.length > MAX_KEY_LENGTH || CONTROL_CHARACTER.test(key)) {
    throw invalid(displayKey(key), `is not a valid key: 1 to ${MAX_KEY_LENGTH} characters, no control characters`);
  }
  return key;
}

/** A value as stored: a finite number, a boolean, or a short enough string; anything else is a 400 naming the key. */
export function checkValue(key: string, value: unknown): ReadingValue {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string' && value.length <= MAX_STRING_VALUE_LENGTH) return value;
  throw invalid(
    key,
    `has an invalid value: a reading is a finite number, a boolean or a string of at most ${MAX_STRING_VALUE_LENGTH} characters`,
  );
}

/** A timestamp in milliseconds (integer > 0, at most 5 minutes ahead of `nowMs`), else a 400. */
export function checkTs(ts: unknown, nowMs: number, field: string): number {
  if (typeof ts !== 'number' || !Number.isSafeInteger(ts) || ts <= 0) {
    throw invalid(field, 'has an invalid ts: Unix time in milliseconds, an integer greater than 0');
  }
  if (ts > nowMs + MAX_FUTURE_SKEW_MS) throw invalid(field, `has a ts more than ${MAX_FUTURE_SKEW_MS / 60_000} minutes in the future`);
  return ts;
}

/** Counts readings as a request is parsed, so that an oversized request is refused before it is all read. */
export class ReadingCounter {
  private count = 0;
  add(n = 1): void {
    this.count += n;
    if (this.count > MAX_READINGS_PER_REQUEST) {
      throw invalid('readings', `exceed the limit of ${MAX_READINGS_PER_REQUEST} per request`);
    }
  }
}

/** A key as it appears in an error message: long keys are cut, control characters shown escaped. */
function displayKey(key: string): string {
  const shown = JSON.stringify(key.length > 64 ? `${key.slice(0, 64)}…` : key);
  return key.length === 0 ? '(empty key)' : shown.slice(1, -1);
}
