// @ts-check
// bulk-metadata's body, read and checked in one place for both places it is read: on the event loop for small
// bodies, in a worker thread for large ones (bulk-metadata.ts), so that the two cannot answer differently. Plain
// JavaScript, type-checked through JSDoc, because Node 20 does not apply the TypeScript loader to worker threads.
//
// Every entry is checked before anything is written: one bad entry refuses the whole request. What comes back is
// each entry's trimmed identifier and its metadata as the JSON text to store, in the order the client wrote them.
import { Buffer } from 'node:buffer';
import { isWithinJsonDepth, MAX_JSON_DEPTH } from '../../../http/json-depth.js';
import { memberKeysInTextOrder } from '../../../http/json-member-keys.js';

export const MAX_BULK_DEVICES = 1000;

/**
 * The entries, or why the body is refused: `invalid_json` and `too_many` carry the contract's shared wording (the
 * caller words them as every ext-v1 route does), `bad_request` its own message.
 * @typedef {{ ok: true, entries: Array<[identifier: string, metadataJson: string]> }
 *   | { ok: false, refusal: 'invalid_json' }
 *   | { ok: false, refusal: 'too_many' }
 *   | { ok: false, refusal: 'bad_request', message: string }} BulkMetadataReading
 */

/** @param {string} message @returns {BulkMetadataReading} */
const badRequest = (message) => ({ ok: false, refusal: 'bad_request', message });

/**
 * Reads the body's bytes (UTF-8, as every ext-v1 body) the way ext-v1 reads JSON: blank or unparsable text, or a
 * value other than an object, is `invalid_json`.
 * @param {Uint8Array} bytes
 * @returns {BulkMetadataReading}
 */
export function readBulkMetadataBody(bytes) {
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
  if (text.trim() === '') return { ok: false, refusal: 'invalid_json' };
  /** @type {unknown} */
  let body;
  try {
    body = JSON.parse(text);
  } catch {
    return { ok: false, refusal: 'invalid_json' };
  }
  if (!isJsonObject(body)) return { ok: false, refusal: 'invalid_json' };
  const devices = body.devices;
  if (!isJsonObject(devices)) return badRequest('devices is required and must be an object mapping identifiers to metadata');
  const parsedKeys = Object.keys(devices);
  if (parsedKeys.length === 0) return badRequest('devices must contain at least one entry');
  // Counted before the text is read again for key order: a refused request costs no more than its parse.
  if (parsedKeys.length > MAX_BULK_DEVICES) return { ok: false, refusal: 'too_many' };
  const keys = parsedKeys.some(isArrayIndex) ? keysInTextOrder(devices, parsedKeys, text) : parsedKeys;
  for (const key of keys) {
    const metadata = devices[key];
    if (!isJsonObject(metadata)) return badRequest(`Invalid metadata for device "${key.trim()}": must be a JSON object`);
    if (!isWithinJsonDepth(metadata)) {
      return badRequest(`Invalid metadata for device "${key.trim()}": nested more than ${MAX_JSON_DEPTH} levels deep`);
    }
  }
  return { ok: true, entries: keys.map((key) => [key.trim(), JSON.stringify(devices[key])]) };
}

/**
 * @param {unknown} value
 * @returns {value is Record<string, unknown>}
 */
function isJsonObject(value) {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * JavaScript objects list array-index keys ("12345") first, in numeric order, and all other keys in the order they
 * were created, which for JSON.parse is the text's order. Only when some key is an array index does the text
 * need reading again; that pass cost as much as parsing the body, so the common case skips it.
 * @param {string} key
 */
function isArrayIndex(key) {
  return /^(?:0|[1-9][0-9]{0,9})$/.test(key) && Number(key) < 2 ** 32 - 1;
}

/**
 * @param {Record<string, unknown>} devices
 * @param {string[]} parsedKeys
 * @param {string} text
 * @returns {string[]}
 */
function keysInTextOrder(devices, parsedKeys, text) {
  const textKeys = memberKeysInTextOrder(text, 'devices');
  const sameKeys = textKeys?.length === parsedKeys.length && textKeys.every((key) => Object.hasOwn(devices, key));
  return textKeys && sameKeys ? textKeys : parsedKeys;
}
