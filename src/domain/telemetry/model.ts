// The vocabulary of telemetry, shared by every ingest path (HTTP, MQTT), the storage and the rules.

/** A reading's value: a finite number, a boolean, or a string of at most MAX_STRING_VALUE_LENGTH characters. */
export type ReadingValue = number | boolean | string;

export interface Reading {
  key: string;
  /** Unix time in milliseconds. */
  ts: number;
  value: ReadingValue;
}

export { MAX_FUTURE_SKEW_MS, MAX_KEY_LENGTH, MAX_READINGS_PER_REQUEST, MAX_STRING_VALUE_LENGTH } from './reading-rules.js';
/** Body limit of the batch path; every other ingest path keeps the server's 1 MiB. */
export const BATCH_BODY_LIMIT = 10 * 1024 * 1024;
