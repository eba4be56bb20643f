// @ts-check
// The two bodies of POST /api/v1/telemetry/batch, keyed by device identifier: JSON (ThingsBoard's gateway shape,
// each value one of the device shapes) and CSV (`device,ts,key,value`, for backfills from files). Plain
// JavaScript, type-checked through JSDoc, so that the worker thread reading large bodies loads the same code as the
// event loop reading small ones (api/v1/telemetry/batch-body.js); batch.ts turns a refusal into a DomainError.
import { checkKey, checkTs, checkValue, readDeviceShapes, ReadingCounter, ReadingProblem } from './reading-rules.js';

/**
 * The readings of a batch per device identifier, or the problem that refused it and the identifiers it named.
 * @typedef {import('./reading-rules.js').Reading} Reading
 * @typedef {{ ok: true, byIdentifier: Map<string, Reading[]> }
 *   | { ok: false, problem: { field: string, reason: string }, identifiers: string[] }} BatchReadings
 */

/**
 * @param {Record<string, unknown>} body
 * @param {number} receivedAtMs
 * @param {number} nowMs
 * @returns {BatchReadings}
 */
export function readJsonBatch(body, receivedAtMs, nowMs) {
  const counter = new ReadingCounter();
  /** @type {Map<string, Reading[]>} */
  const byIdentifier = new Map();
  const identifiers = Object.keys(body);
  for (const identifier of identifiers) {
    try {
      byIdentifier.set(identifier, readDeviceShapes(body[identifier], receivedAtMs, nowMs, counter));
    } catch (error) {
      return { ok: false, problem: namingDevice(error, identifier), identifiers };
    }
  }
  return { ok: true, byIdentifier };
}

const HEADER = ['device', 'ts', 'key', 'value'];

/**
 * @param {string} text
 * @param {number} receivedAtMs
 * @param {number} nowMs
 * @returns {BatchReadings}
 */
export function readCsvBatch(text, receivedAtMs, nowMs) {
  const counter = new ReadingCounter();
  /** @type {Map<string, Reading[]>} */
  const byIdentifier = new Map();
  const rows = csvRows(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  let line = 0;
  try {
    const header = rows.next();
    line = 1;
    if (header.done || header.value.map((name) => name.trim().toLowerCase()).join(',') !== HEADER.join(',')) {
      throw new ReadingProblem('line 1', `must be the header row ${HEADER.join(',')}`);
    }
    for (const fields of rows) {
      line++;
      if (fields.length === 1 && fields[0] === '') continue;
      if (fields.length !== HEADER.length) throw new ReadingProblem(`line ${line}`, `has ${fields.length} fields, not ${HEADER.length}`);
      const [identifier, ts, key, value] = /** @type {[string, string, string, string]} */ (fields);
      if (identifier === '') throw new ReadingProblem(`line ${line}`, 'has no device identifier');
      let readings = byIdentifier.get(identifier);
      if (!readings) byIdentifier.set(identifier, (readings = []));
      counter.add();
      try {
        readings.push({ key: checkKey(key), ts: csvTs(ts, receivedAtMs, nowMs), value: checkValue(key, csvValue(value)) });
      } catch (error) {
        const problem = namingDevice(error, identifier);
        throw new ReadingProblem(problem.field, problem.reason);
      }
    }
  } catch (error) {
    if (!(error instanceof ReadingProblem)) throw error;
    const field = error.field.startsWith('line ') ? error.field : `line ${line}: ${error.field}`;
    return { ok: false, problem: { field, reason: error.reason }, identifiers: [...byIdentifier.keys()] };
  }
  return { ok: true, byIdentifier };
}

const INTEGER = /^\d+$/;
// A date, or a date and time with its offset (a time without one would be read in the server's time zone).
const ISO_8601 = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2}))?$/i;

/**
 * @param {string} text
 * @param {number} receivedAtMs
 * @param {number} nowMs
 * @returns {number}
 */
function csvTs(text, receivedAtMs, nowMs) {
  if (text === '') return receivedAtMs;
  if (INTEGER.test(text)) return checkTs(Number(text), nowMs, 'ts');
  if (ISO_8601.test(text)) {
    const parsed = Date.parse(text);
    if (Number.isFinite(parsed)) return checkTs(parsed, nowMs, 'ts');
  }
  throw new ReadingProblem('ts', 'must be Unix time in milliseconds or ISO 8601 with a time zone (2026-01-31T12:00:00Z)');
}

const NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:e[+-]?\d+)?$/i;

/**
 * A value that parses as a number is a number, true and false are booleans, anything else a string.
 * @param {string} text
 * @returns {unknown}
 */
function csvValue(text) {
  if (NUMBER.test(text)) return Number(text);
  if (text === 'true') return true;
  if (text === 'false') return false;
  return text;
}

/**
 * RFC 4180 rows: fields separated by commas, quoted with "" when they hold commas, quotes or line breaks.
 * @param {string} text
 * @returns {Generator<string[]>}
 */
function* csvRows(text) {
  let position = 0;
  const length = text.length;
  while (position < length) {
    /** @type {string[]} */
    const fields = [];
    for (;;) {
      let field = '';
      if (text[position] === '"') {
        position++;
        for (;;) {
          const quote = text.indexOf('"', position);
          if (quote < 0) throw new ReadingProblem('csv', 'has a quoted field that is never closed');
          field += text.slice(position, quote);
          position = quote + 1;
          if (text[position] === '"') {
            field += '"';
            position++;
          } else break;
        }
      } else {
        let end = position;
        while (end < length && text[end] !== ',' && text[end] !== '\n' && text[end] !== '\r') end++;
        field = text.slice(position, end);
        position = end;
      }
      fields.push(field);
      if (text[position] === ',') {
        position++;
        continue;
      }
      break;
    }
    if (text[position] === '\r') position++;
    if (text[position] === '\n') position++;
    else if (position < length) throw new ReadingProblem('csv', 'has text after a closing quote');
    yield fields;
  }
}

/**
 * The problem with the device's identifier in front of the field it names; any other error is rethrown.
 * @param {unknown} error
 * @param {string} identifier
 * @returns {{ field: string, reason: string }}
 */
function namingDevice(error, identifier) {
  if (!(error instanceof ReadingProblem)) throw error;
  return { field: `${identifier}: ${error.field}`, reason: error.reason };
}
