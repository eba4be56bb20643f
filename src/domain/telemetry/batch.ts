// The two bodies of POST /api/v1/telemetry/batch, keyed by device identifier: JSON (ThingsBoard's gateway shape,
// each value one of the device shapes) and CSV (`device,ts,key,value`, for backfills from files).
import type { DomainError} from '../errors.js';
import { isDomainError } from '../errors.js';
import type { Reading } from './model.js';
import { parseDeviceShapes } from './shapes.js';
import { checkKey, checkTs, checkValue, invalid, ReadingCounter } from './validate.js';

/** The readings of a batch per device identifier, or the error that refused it and the identifiers it named. */
export type ParsedBatch =
  | { ok: true; byIdentifier: Map<string, Reading[]> }
  | { ok: false; error: DomainError; identifiers: string[] };

export function parseJsonBatch(body: Record<string, unknown>, receivedAtMs: number, nowMs: number): ParsedBatch {
  const counter = new ReadingCounter();
  const byIdentifier = new Map<string, Reading[]>();
  const identifiers = Object.keys(body);
  for (const identifier of identifiers) {
    try {
      byIdentifier.set(identifier, parseDeviceShapes(body[identifier], receivedAtMs, nowMs, counter));
    } catch (error) {
      return { ok: false, error: namingDevice(error, identifier), identifiers };
    }
  }
  return { ok: true, byIdentifier };
}

const HEADER = ['device', 'ts', 'key', 'value'];

export function parseCsvBatch(text: string, receivedAtMs: number, nowMs: number): ParsedBatch {
  const counter = new ReadingCounter();
  const byIdentifier = new Map<string, Reading[]>();
  const rows = csvRows(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  let line = 0;
  try {
    const header = rows.next();
    line = 1;
    if (header.done || header.value.map((name) => name.trim().toLowerCase()).join(',') !== HEADER.join(',')) {
      throw invalid('line 1', `must be the header row ${HEADER.join(',')}`);
    }
    for (const fields of rows) {
      line++;
      if (fields.length === 1 && fields[0] === '') continue;
      if (fields.length !== HEADER.length) throw invalid(`line ${line}`, `has ${fields.length} fields, not ${HEADER.length}`);
      const [identifier, ts, key, value] = fields as [string, string, string, string];
      if (identifier === '') throw invalid(`line ${line}`, 'has no device identifier');
      let readings = byIdentifier.get(identifier);
      if (!readings) byIdentifier.set(identifier, (readings = []));
      counter.add();
      try {
        readings.push({ key: checkKey(key), ts: csvTs(ts, receivedAtMs, nowMs), value: checkValue(key, csvValue(value)) });
      } catch (error) {
        throw namingDevice(error, identifier);
      }
    }
  } catch (error) {
    if (!isDomainError(error, 'invalid_input')) throw error;
    const field = error.problem.field.startsWith('line ') ? error.problem.field : `line ${line}: ${error.problem.field}`;
    return { ok: false, error: invalid(field, error.problem.reason), identifiers: [...byIdentifier.keys()] };
  }
  return { ok: true, byIdentifier };
}

const INTEGER = /^\d+$/;
// A date, or a date and time with its offset (a time without one would be read in the server's time zone).
const ISO_8601 = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2}))?$/i;

function csvTs(text: string, receivedAtMs: number, nowMs: number): number {
  if (text === '') return receivedAtMs;
  if (INTEGER.test(text)) return checkTs(Number(text), nowMs, 'ts');
  if (ISO_8601.test(text)) {
    const parsed = Date.parse(text);
    if (Number.isFinite(parsed)) return checkTs(parsed, nowMs, 'ts');
  }
  throw invalid('ts', 'must be Unix time in milliseconds or ISO 8601 with a time zone (2026-01-31T12:00:00Z)');
}

const NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:e[+-]?\d+)?$/i;

/** A value that parses as a number is a number, true and false are booleans, anything else a string. */
function csvValue(text: string): unknown {
  if (NUMBER.test(text)) return Number(text);
  if (text === 'true') return true;
  if (text === 'false') return false;
  return text;
}

/** RFC 4180 rows: fields separated by commas, quoted with "" when they hold commas, quotes or line breaks. */
function* csvRows(text: string): Generator<string[]> {
  let position = 0;
  const length = text.length;
  while (position < length) {
    const fields: string[] = [];
    for (;;) {
      let field = '';
      if (text[position] === '"') {
        position++;
        for (;;) {
          const quote = text.indexOf('"', position);
          if (quote < 0) throw invalid('csv', 'has a quoted field that is never closed');
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
    else if (position < length) throw invalid('csv', 'has text after a closing quote');
    yield fields;
  }
}

function namingDevice(error: unknown, identifier: string): DomainError {
  if (!isDomainError(error, 'invalid_input')) throw error;
  return invalid(`${identifier}: ${error.problem.field}`, error.problem.reason);
}
