// Hand-written readers for ext-v1 bodies. The contract fixes the exact message of each failure and the order in
// which fields are checked, which a generic schema validator cannot reproduce, so route schemas there only
// document the shape and these readers enforce it.
import { isWithinJsonDepth, MAX_JSON_DEPTH } from '../../http/json-depth.js';
import { EXT_MESSAGES, ExtError } from './errors.js';

export type JsonObject = Record<string, unknown>;

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The body as an object, or the contract's `Invalid JSON payload`. */
export function objectBody(body: unknown): JsonObject {
  if (!isJsonObject(body)) throw new ExtError(400, EXT_MESSAGES.invalidJson);
  return body;
}

export function badRequest(message: string, extra?: Record<string, unknown>): ExtError {
  return new ExtError(400, message, extra);
}

/** A present value: neither absent nor JSON null. Clients send `null` for "not given" as often as they omit. */
export function isPresent(value: unknown): boolean {
  return value !== undefined && value !== null;
}

/** An optional string field: undefined when absent or null, else a string without NUL characters. */
export function optionalString(body: JsonObject, field: string): string | undefined {
  const value = body[field];
  if (!isPresent(value)) return undefined;
  if (typeof value !== 'string') throw badRequest(`${field} must be a string`);
  if (value.includes('\0')) throw badRequest(`${field} must not contain NUL characters`);
  return value;
}

/**
 * A required string field, trimmed: `missingMessage` when absent, null or blank; `<field> must be a string` for
 * another type; NUL characters refused as in optionalString.
 */
export function requiredTrimmedString(body: JsonObject, field: string, missingMessage: string): string {
  const value = optionalString(body, field)?.trim();
  if (!value) throw badRequest(missingMessage);
  return value;
}

/**
 * Items one list of a request may hold, like bulk-metadata's devices: each item is work (a lookup, a row), and one
 * request must not hold the server, or a database connection, for long.
 */
export const MAX_LIST_ITEMS = 1000;

/** The contract's wording for an over-long list, as bulk-metadata words it. */
export function tooManyItems(field: string, max = MAX_LIST_ITEMS): ExtError {
  return badRequest(`Too many ${field}. Maximum ${max} per request`);
}

/**
 * A required non-empty array field (its items unchecked); `message` when absent, not an array, or empty; over
 * MAX_LIST_ITEMS items (counted before duplicates collapse): tooManyItems.
 */
export function requiredNonEmptyArray(body: JsonObject, field: string, message: string): unknown[] {
  const value = body[field];
  if (!Array.isArray(value) || value.length === 0) throw badRequest(message);
  if (value.length > MAX_LIST_ITEMS) throw tooManyItems(field);
  return value;
}

/** The array's non-empty strings, trimmed, first occurrence kept, in order; other items are dropped. */
export function distinctTrimmedStrings(items: readonly unknown[]): string[] {
  const seen = new Set<string>();
  for (const item of items) {
    if (typeof item !== 'string') continue;
    const trimmed = item.trim();
    if (trimmed !== '' && !trimmed.includes('\0')) seen.add(trimmed);
  }
  return [...seen];
}

/** An optional JSON object field (metadata, properties), bounded in depth so storing it cannot blow the stack. */
export function optionalObject(body: JsonObject, field: string, message = `${field} must be an object`) {
  const value = body[field];
  if (!isPresent(value)) return undefined;
  if (!isJsonObject(value)) throw badRequest(message);
  if (!isWithinJsonDepth(value)) throw badRequest(`${field} is nested more than ${MAX_JSON_DEPTH} levels deep`);
  return value;
}

/** An optional boolean; anything but true/false/absent is refused. */
export function optionalBoolean(body: JsonObject, field: string): boolean | undefined {
  const value = body[field];
  if (!isPresent(value)) return undefined;
  if (typeof value !== 'boolean') throw badRequest(`${field} must be a boolean`);
  return value;
}
