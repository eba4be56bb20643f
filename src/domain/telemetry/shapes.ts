// ThingsBoard's three device payload shapes, the body of POST /api/v1/telemetry and of an MQTT publish, read by
// reading-rules.js.
import type { Reading } from './model.js';
import { readDeviceShapes } from './reading-rules.js';
import { asDomainError } from './validate.js';

/**
 * The readings of one device payload, validated in full (throws DomainError invalid_input whose field names the
 * offending key). A reading without ts gets `receivedAtMs`; a ts more than 5 minutes past `nowMs` is refused.
 */
export function parseDeviceShapes(body: unknown, receivedAtMs: number, nowMs: number): Reading[] {
  try {
    return readDeviceShapes(body, receivedAtMs, nowMs);
  } catch (error) {
    throw asDomainError(error);
  }
}
