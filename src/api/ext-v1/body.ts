// Hand-written readers for ext-v1 bodies. The contract fixes the exact message of each failure and the order in
// which fields are checked, which a generic schema validator cannot reproduce, so route schemas there only
// document the shape and these readers enforce it.
import { EXT_MESSAGES, ExtError } from './errors.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The body's text when it parsed as JSON (see plugin.ts), else null. */
    extRawBody: string | null;
  }
}

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

export const MAX_JSON_DEPTH = 32;

/** An optional JSON object field (metadata, properties), bounded in depth so storing it cannot blow the stack. */
export function optionalObject(body: JsonObject, field: string, message = `${field} must be an object`) {
  const value = body[field];
  if (!isPresent(value)) return undefined;
  if (!isJsonObject(value)) throw badRequest(message);
  if (!isWithinJsonDepth(value)) throw badRequest(`${field} is nested more than ${MAX_JSON_DEPTH} levels deep`);
  return value;
}

/** False for a JSON value nested more than MAX_JSON_DEPTH levels deep. */
export function isWithinJsonDepth(value: unknown): boolean {
  return depthOf(value, 0) <= MAX_JSON_DEPTH;
}

function depthOf(value: unknown, depth: number): number {
  if (depth > MAX_JSON_DEPTH || typeof value !== 'object' || value === null) return depth;
  let deepest = depth + 1;
  for (const child of Object.values(value)) deepest = Math.max(deepest, depthOf(child, depth + 1));
  return deepest;
}

/** An optional boolean; anything but true/false/absent is refused. */
export function optionalBoolean(body: JsonObject, field: string): boolean | undefined {
  const value = body[field];
  if (!isPresent(value)) return undefined;
  if (typeof value !== 'boolean') throw badRequest(`${field} must be a boolean`);
  return value;
}

/**
 * The keys of the object at `body[member]` in the order the client wrote them. JSON.parse puts integer-like keys
 * ("12345", a plausible serial number) before the others, so where the contract promises input order, the order is
 * read from the text. `text` must be valid JSON (it parsed already). Undefined when `body[member]` is no object.
 */
export function memberKeysInTextOrder(text: string, member: string): string[] | undefined {
  let i = 0;
  const skipSpace = (): void => {
    while (i < text.length && ' \t\n\r'.includes(text[i]!)) i++;
  };
  const readString = (): string => {
    const start = i;
    i++;
    while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
    i++;
    return JSON.parse(text.slice(start, i)) as string;
  };
  const skipValue = (): void => {
    skipSpace();
    if (text[i] === '"') return void readString();
    if (text[i] !== '{' && text[i] !== '[') {
      while (i < text.length && !',}] \t\n\r'.includes(text[i]!)) i++;
      return;
    }
    let depth = 0;
    while (i < text.length) {
      const c = text[i]!;
      if (c === '"') {
        readString();
        continue;
      }
      i++;
      if (c === '{' || c === '[') depth++;
      else if ((c === '}' || c === ']') && --depth === 0) return;
    }
  };
  /** At `{`: calls `onMember` with each key, positioned at its value, which `onMember` must consume. */
  const readObject = (onMember: (key: string) => void): void => {
    i++;
    skipSpace();
    if (text[i] === '}') return void i++;
    while (i < text.length) {
      skipSpace();
      const key = readString();
      skipSpace();
      i++; // ':'
      skipSpace();
      onMember(key);
      skipSpace();
      if (text[i++] !== ',') return; // '}'
    }
  };
  try {
    skipSpace();
    if (text[i] !== '{') return undefined;
    let keys: string[] | undefined;
    readObject((key) => {
      if (key !== member || text[i] !== '{') {
        if (key === member) keys = undefined; // JSON.parse keeps the last occurrence of a repeated key
        return skipValue();
      }
      const found: string[] = [];
      readObject((inner) => {
        found.push(inner);
        skipValue();
      });
      keys = [...new Set(found)];
    });
    return keys;
  } catch {
    return undefined;
  }
}
