// ThingsBoard's three device payload shapes, the body of POST /api/v1/telemetry and of an MQTT publish:
//   {"temperature": 21.5, "door": "closed"}                      readings at the receive time
//   {"ts": 1765000000000, "values": {"temperature": 21.5}}       readings at ts
//   [{"ts": …, "values": {…}}, …]                                 several of the above
import { checkKey, checkTs, checkValue, invalid, ReadingCounter } from './validate.js';
import type { Reading } from './model.js';

/**
 * The readings of one device payload, validated in full (throws DomainError invalid_input whose field names the
 * offending key). A reading without ts gets `receivedAtMs`; a ts more than 5 minutes past `nowMs` is refused.
 */
export function parseDeviceShapes(body: unknown, receivedAtMs: number, nowMs: number, counter = new ReadingCounter()): Reading[] {
  const readings: Reading[] = [];
  if (Array.isArray(body)) {
    for (const [index, item] of body.entries()) {
      if (!isPlainObject(item) || !isTimestampedShape(item)) {
        throw invalid(`[${index}]`, 'is not a {"ts", "values"} object');
      }
      addTimestamped(item, readings, receivedAtMs, nowMs, counter);
    }
    return readings;
  }
  if (!isPlainObject(body)) throw invalid('body', 'is not a JSON object or array of readings');
  if ('values' in body) {
    if (!isTimestampedShape(body)) throw invalid('values', 'must be an object of readings, beside an optional ts and nothing else');
    addTimestamped(body, readings, receivedAtMs, nowMs, counter);
    return readings;
  }
  addValues(body, receivedAtMs, readings, counter);
  return readings;
}

function addTimestamped(
  item: Record<string, unknown>,
  readings: Reading[],
  receivedAtMs: number,
  nowMs: number,
  counter: ReadingCounter,
): void {
  const ts = item.ts === undefined ? receivedAtMs : checkTs(item.ts, nowMs, 'ts');
  addValues(item.values as Record<string, unknown>, ts, readings, counter);
}

function addValues(values: Record<string, unknown>, ts: number, readings: Reading[], counter: ReadingCounter): void {
  for (const key of Object.keys(values)) {
    counter.add();
    readings.push({ key: checkKey(key), ts, value: checkValue(key, values[key]) });
  }
}

function isTimestampedShape(item: Record<string, unknown>): boolean {
  if (!isPlainObject(item.values)) return false;
  return Object.keys(item).every((name) => name === 'ts' || name === 'values');
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
