// An MQTT payload as readings: JSON in one of ThingsBoard's three device shapes, checked by the same rules as
// HTTP. MQTT 3.1.1 has no way to tell a publisher why a message was refused, so a bad payload becomes a message
// for the device's ingest errors and the log, never an exception.
import { DomainError } from '../domain/errors.js';
import type { Reading } from '../domain/telemetry/model.js';
import { parseDeviceShapes } from '../domain/telemetry/shapes.js';

/** The body limit of every ingest path but the batch one (§2 of the contract). */
export const MAX_PAYLOAD_BYTES = 1024 * 1024;

export type DecodedPayload = { ok: true; readings: Reading[] } | { ok: false; problem: string };

export function decodePayload(payload: Buffer | string, receivedAtMs: number, nowMs: number): DecodedPayload {
  const size = typeof payload === 'string' ? Buffer.byteLength(payload) : payload.length;
  if (size > MAX_PAYLOAD_BYTES) return { ok: false, problem: `payload is larger than ${MAX_PAYLOAD_BYTES} bytes` };
  let body: unknown;
  try {
    body = JSON.parse(typeof payload === 'string' ? payload : payload.toString('utf8'));
  } catch {
    return { ok: false, problem: 'payload is not valid JSON' };
  }
  try {
    return { ok: true, readings: parseDeviceShapes(body, receivedAtMs, nowMs) };
  } catch (error) {
    if (error instanceof DomainError && error.problem.code === 'invalid_input') {
      return { ok: false, problem: `${error.problem.field} ${error.problem.reason}` };
    }
    throw error;
  }
}
