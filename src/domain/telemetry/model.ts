// The vocabulary of telemetry, shared by every ingest path (HTTP, MQTT), the storage and the rules.

/** A reading's value: a finite number, a boolean, or a string of at most MAX_STRING_VALUE_LENGTH characters. */
export type ReadingValue = number | boolean | string;

export interface Reading {
  key: string;
  /** Unix time in milliseconds. */
  ts: number;
  value: ReadingValue;
}

export const MAX_READINGS_PER_REQUEST = 10_000;
export const MAX_KEY_LENGTH = 255;
export const MAX_STRING_VALUE_LENGTH = 4096;
/** A reading more than this far in the future is refused. */
export const MAX_FUTURE_SKEW_MS = 5 * 60_000;
/** Body limit of the batch path; every other ingest path keeps the server's 1 MiB. */
export const BATCH_BODY_LIMIT = 10 * 1024 * 1024;
