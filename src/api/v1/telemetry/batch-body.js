// @ts-check
// The body of POST /api/v1/telemetry/batch, read and checked in one place for both places it is read: on the event
// loop for small bodies, in a worker thread for large ones (batch-ingest.ts), so that the two cannot answer
// differently. Plain JavaScript, type-checked through JSDoc, because Node 20 does not apply the TypeScript loader to
// worker threads.
//
// It answers as the rest of /api/v1 reads a body: JSON as Fastify's parser reads it (a leading byte order mark
// skipped, a `__proto__` key or a `constructor` holding `prototype` refused as unparsable), then the checks of
// the route's schema (an object of devices, or a string read as CSV; a JSON null as `{}`; no NUL character in any
// string or key, v1's validation.ts), then the readings (domain/telemetry/batch-parse.js).
import { Buffer } from 'node:buffer';
import { readCsvBatch, readJsonBatch } from '../../../domain/telemetry/batch-parse.js';
import { isPlainObject } from '../../../domain/telemetry/reading-rules.js';
import { pathToNul } from '../../../http/json-nul.js';

/**
 * How the body was sent: JSON (application/json), or text read as CSV (text/csv, text/plain).
 * @typedef {'json' | 'text'} BatchFormat
 */

/**
 * The readings per device identifier, or why the body is refused: `invalid_json` (v1's shared wording),
 * `bad_request` with its own message, or `readings` with the problem to name and the identifiers seen so far
 * (the domain counts the refusal on those devices).
 * @typedef {import('../../../domain/telemetry/batch-parse.js').BatchReadings} BatchReadings
 * @typedef {BatchReadings
 *   | { ok: false, refusal: 'invalid_json' }
 *   | { ok: false, refusal: 'bad_request', message: string }} BatchBodyReading
 */

/**
 * @param {Uint8Array} bytes the body as sent (inflated already, when gzip-encoded)
 * @param {BatchFormat} format
 * @param {number} receivedAtMs the time of readings sent without one
 * @param {number} nowMs readings more than 5 minutes after it are refused
 * @returns {BatchBodyReading}
 */
export function readBatchBody(bytes, format, receivedAtMs, nowMs) {
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
  /** @type {unknown} */
  let body = text;
  if (format === 'json') {
    const parsed = parseJson(text);
    if (!parsed.ok) return { ok: false, refusal: 'invalid_json' };
    body = parsed.value ?? {};
  }
  if (typeof body !== 'string' && !isPlainObject(body)) return { ok: false, refusal: 'bad_request', message: 'body: Expected union value' };
  const nul = pathToNul(body, '');
  if (nul !== undefined) return { ok: false, refusal: 'bad_request', message: `${nul || 'body'}: must not contain NUL characters` };
  return typeof body === 'string' ? readCsvBatch(body, receivedAtMs, nowMs) : readJsonBatch(body, receivedAtMs, nowMs);
}

// secure-json-parse's test for text that may hold a forbidden key: only such text is searched for one.
const SUSPECT_PROTO =
  /"(?:_|\\u005[Ff])(?:_|\\u005[Ff])(?:p|\\u0070)(?:r|\\u0072)(?:o|\\u006[Ff])(?:t|\\u0074)(?:o|\\u006[Ff])(?:_|\\u005[Ff])(?:_|\\u005[Ff])"\s*:/;
const SUSPECT_CONSTRUCTOR =
  /"(?:c|\\u0063)(?:o|\\u006[Ff])(?:n|\\u006[Ee])(?:s|\\u0073)(?:t|\\u0074)(?:r|\\u0072)(?:u|\\u0075)(?:c|\\u0063)(?:t|\\u0074)(?:o|\\u006[Ff])(?:r|\\u0072)"\s*:/;

/**
 * JSON as Fastify's default parser reads it (secure-json-parse refusing both kinds of prototype poisoning).
 * @param {string} text
 * @returns {{ ok: true, value: unknown } | { ok: false }}
 */
function parseJson(text) {
  if (text.length === 0) return { ok: false };
  const source = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  /** @type {unknown} */
  let value;
  try {
    value = JSON.parse(source);
  } catch {
    return { ok: false };
  }
  if (typeof value !== 'object' || value === null) return { ok: true, value };
  if (!SUSPECT_PROTO.test(source) && !SUSPECT_CONSTRUCTOR.test(source)) return { ok: true, value };
  return hasForbiddenKey(value) ? { ok: false } : { ok: true, value };
}

/**
 * @param {object} root
 * @returns {boolean}
 */
function hasForbiddenKey(root) {
  /** @type {object[]} */
  let next = [root];
  while (next.length > 0) {
    const nodes = next;
    next = [];
    for (const node of nodes) {
      if (Object.hasOwn(node, '__proto__')) return true;
      const constructor = Object.hasOwn(node, 'constructor') ? /** @type {{ constructor: unknown }} */ (node).constructor : undefined;
      if (typeof constructor === 'object' && constructor !== null && Object.hasOwn(constructor, 'prototype')) return true;
      for (const value of Object.values(node)) if (value && typeof value === 'object') next.push(value);
    }
  }
  return false;
}
