// @ts-check
// The rules every reading obeys, whichever path brought it in (HTTP device or batch shapes, CSV, MQTT), and
// ThingsBoard's three device payload shapes:
//   {"temperature": 21.5, "door": "closed"}                      readings at the receive time
//   {"ts": 1765000000000, "values": {"temperature": 21.5}}       readings at ts
//   [{"ts": …, "values": {…}}, …]                                 several of the above
// Plain JavaScript, type-checked through JSDoc, because the batch path also reads large bodies in a worker thread
// (api/v1/telemetry/batch-worker.js) and Node 20 does not apply the TypeScript loader to worker threads. A refusal
// is a ReadingProblem here; validate.ts and shapes.ts give the rest of the domain its DomainError.

export const MAX_READINGS_PER_REQUEST = 10_000;
export const MAX_KEY_LENGTH = 255;
export const MAX_STRING_VALUE_LENGTH = 4096;
/** A reading more than this far in the future is refused. */
export const MAX_FUTURE_SKEW_MS = 5 * 60_000;

/**
 * @typedef {number | boolean | string} ReadingValue
 * @typedef {{ key: string, ts: number, value: ReadingValue }} Reading
 */

/** Why a reading or payload is refused: `field` names what is at fault, `reason` says what is wrong with it. */
export class ReadingProblem extends Error {
  /** @param {string} field @param {string} reason */
  constructor(field, reason) {
    super(`${field} ${reason}`);
    this.name = 'ReadingProblem';
    this.field = field;
    this.reason = reason;
  }
}

// C0 and C1 control characters and DEL: invisible in every place a key is shown, and a way to forge log lines.
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f-\u009f]/;

/**
 * A key as the contract allows it (1 to 255 characters, no control characters), else a problem naming it.
 * @param {string} key
 * @returns {string}
 */
export function checkKey(key) {
  if (key.length === 0 || key.length > MAX_KEY_LENGTH || CONTROL_CHARACTER.test(key)) {
    throw new ReadingProblem(displayKey(key), `is not a valid key: 1 to ${MAX_KEY_LENGTH} characters, no control characters`);
  }
  return key;
}

/**
 * A value as stored: a finite number, a boolean, or a short enough string; anything else is a problem naming the key.
 * @param {string} key
 * @param {unknown} value
 * @returns {ReadingValue}
 */
export function checkValue(key, value) {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string' && value.length <= MAX_STRING_VALUE_LENGTH) return value;
  throw new ReadingProblem(
    key,
    `has an invalid value: a reading is a finite number, a boolean or a string of at most ${MAX_STRING_VALUE_LENGTH} characters`,
  );
}

/**
 * A timestamp in milliseconds (integer > 0, at most 5 minutes ahead of `nowMs`), else a problem.
 * @param {unknown} ts
 * @param {number} nowMs
 * @param {string} field
 * @returns {number}
 */
export function checkTs(ts, nowMs, field) {
  if (typeof ts !== 'number' || !Number.isSafeInteger(ts) || ts <= 0) {
    throw new ReadingProblem(field, 'has an invalid ts: Unix time in milliseconds, an integer greater than 0');
  }
  if (ts > nowMs + MAX_FUTURE_SKEW_MS) throw new ReadingProblem(field, `has a ts more than ${MAX_FUTURE_SKEW_MS / 60_000} minutes in the future`);
  return ts;
}

/** Counts readings as a request is parsed, so that an oversized request is refused before it is all read. */
export class ReadingCounter {
  count = 0;
  add(n = 1) {
    this.count += n;
    if (this.count > MAX_READINGS_PER_REQUEST) {
      throw new ReadingProblem('readings', `exceed the limit of ${MAX_READINGS_PER_REQUEST} per request`);
    }
  }
}

/**
 * The readings of one device payload, validated in full (throws a ReadingProblem whose field names the offending
 * key). A reading without ts gets `receivedAtMs`; a ts more than 5 minutes past `nowMs` is refused.
 * @param {unknown} body
 * @param {number} receivedAtMs
 * @param {number} nowMs
 * @param {ReadingCounter} [counter]
 * @returns {Reading[]}
 */
export function readDeviceShapes(body, receivedAtMs, nowMs, counter = new ReadingCounter()) {
  /** @type {Reading[]} */
  const readings = [];
  if (Array.isArray(body)) {
    for (const [index, item] of body.entries()) {
      if (!isPlainObject(item) || !isTimestampedShape(item)) {
        throw new ReadingProblem(`[${index}]`, 'is not a {"ts", "values"} object');
      }
      addTimestamped(item, readings, receivedAtMs, nowMs, counter);
    }
    return readings;
  }
  if (!isPlainObject(body)) throw new ReadingProblem('body', 'is not a JSON object or array of readings');
  if ('values' in body) {
    if (!isTimestampedShape(body)) throw new ReadingProblem('values', 'must be an object of readings, beside an optional ts and nothing else');
    addTimestamped(body, readings, receivedAtMs, nowMs, counter);
    return readings;
  }
  addValues(body, receivedAtMs, readings, counter);
  return readings;
}

/**
 * @param {Record<string, unknown>} item
 * @param {Reading[]} readings
 * @param {number} receivedAtMs
 * @param {number} nowMs
 * @param {ReadingCounter} counter
 */
function addTimestamped(item, readings, receivedAtMs, nowMs, counter) {
  const ts = item.ts === undefined ? receivedAtMs : checkTs(item.ts, nowMs, 'ts');
  addValues(/** @type {Record<string, unknown>} */ (item.values), ts, readings, counter);
}

/**
 * @param {Record<string, unknown>} values
 * @param {number} ts
 * @param {Reading[]} readings
 * @param {ReadingCounter} counter
 */
function addValues(values, ts, readings, counter) {
  for (const key of Object.keys(values)) {
    counter.add();
    readings.push({ key: checkKey(key), ts, value: checkValue(key, values[key]) });
  }
}

/** @param {Record<string, unknown>} item */
function isTimestampedShape(item) {
  if (!isPlainObject(item.values)) return false;
  return Object.keys(item).every((name) => name === 'ts' || name === 'values');
}

/**
 * @param {unknown} value
 * @returns {value is Record<string, unknown>}
 */
export function isPlainObject(value) {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * A key as it appears in an error message: long keys are cut, control characters shown escaped.
 * @param {string} key
 */
function displayKey(key) {
  const shown = JSON.stringify(key.length > 64 ? `${key.slice(0, 64)}…` : key);
  return key.length === 0 ? '(empty key)' : shown.slice(1, -1);
}
