import { Type } from '@sinclair/typebox';
import type { DomainContext } from '../../../domain/context.js';
import { replaceDevicesMetadata, type Metadata } from '../../../domain/devices/service.js';
import { organizationOf } from '../auth.js';
import { badRequest, isJsonObject, isWithinJsonDepth, MAX_JSON_DEPTH, memberKeysInTextOrder, objectBody, tooManyItems } from '../body.js';
import { EXT_BULK_BODY_LIMIT } from '../plugin.js';
import type { ExtRoute } from '../route.js';

export const MAX_BULK_DEVICES = 1000;
/**
 * Bulk requests handled at once per process: one writing while the next is read and checked. SQLite commits them
 * one at a time whatever this is; more only held more parsed bodies in memory (docs/performance/experiments.md).
 */
const BULK_CONCURRENCY = 2;

const schema = {
  summary: 'Replace the metadata of up to 1000 existing devices in one transaction',
  body: Type.Object({
    devices: Type.Record(Type.String(), Type.Object({}, { additionalProperties: true }), {
      description: 'Identifier (trimmed) → the metadata object that replaces the stored one; 1 to 1000 entries',
    }),
  }),
  response: {
    200: Type.Object({
      success: Type.Literal(true),
      updated: Type.Integer(),
      notFound: Type.Integer(),
      results: Type.Array(
        Type.Object({
          identifier: Type.String(),
          deviceId: Type.String({ description: 'Empty string when not found' }),
          status: Type.Union([Type.Literal('updated'), Type.Literal('not_found')]),
        }),
        { description: 'One per input key, in input order' },
      ),
    }),
  },
};

/**
 * Every entry is checked before anything is written: one bad entry refuses the whole request. Entries come in the
 * order the client wrote them (`rawBody`), which JSON.parse does not keep for integer-like keys.
 */
function readEntries(body: Record<string, unknown>, rawBody: string | null): Array<[string, Metadata]> {
  const devices = body.devices;
  if (!isJsonObject(devices)) {
    throw badRequest('devices is required and must be an object mapping identifiers to metadata');
  }
  const parsedKeys = Object.keys(devices);
  if (parsedKeys.length === 0) throw badRequest('devices must contain at least one entry');
  // Counted before the text is read again for key order: a refused request costs no more than its parse.
  if (parsedKeys.length > MAX_BULK_DEVICES) throw tooManyItems('devices', MAX_BULK_DEVICES);
  const keys = parsedKeys.some(isArrayIndex) ? keysInTextOrder(devices, parsedKeys, rawBody) : parsedKeys;
  return keys.map((key) => {
    const metadata = devices[key];
    const identifier = key.trim();
    if (!isJsonObject(metadata)) {
      throw badRequest(`Invalid metadata for device "${identifier}": must be a JSON object`);
    }
    if (!isWithinJsonDepth(metadata)) {
      throw badRequest(`Invalid metadata for device "${identifier}": nested more than ${MAX_JSON_DEPTH} levels deep`);
    }
    return [identifier, metadata];
  });
}

/**
 * JavaScript objects list array-index keys ("12345") first, in numeric order, and all other keys in the order they
 * were created, which for JSON.parse is the text's order. Only when some key is an array index does the text
 * need reading again; that pass cost as much as parsing the body, so the common case skips it.
 */
function isArrayIndex(key: string): boolean {
  return /^(?:0|[1-9][0-9]{0,9})$/.test(key) && Number(key) < 2 ** 32 - 1;
}

function keysInTextOrder(devices: Record<string, unknown>, parsedKeys: string[], rawBody: string | null): string[] {
  const textKeys = rawBody === null ? undefined : memberKeysInTextOrder(rawBody, 'devices');
  const sameKeys = textKeys?.length === parsedKeys.length && textKeys.every((key) => Object.hasOwn(devices, key));
  return sameKeys ? textKeys! : parsedKeys;
}

export function bulkMetadataRoute(ctx: DomainContext): ExtRoute {
  return {
    method: 'POST',
    url: '/device/bulk-metadata',
    schema,
    bodyLimit: EXT_BULK_BODY_LIMIT,
    concurrency: BULK_CONCURRENCY,
    handler: async (request) => {
      const organizationId = organizationOf(request);
      const entries = readEntries(objectBody(request.body), request.extRawBody);
      const results = await replaceDevicesMetadata(ctx, organizationId, entries);
      const updated = results.filter((r) => r.status === 'updated').length;
      return { success: true, updated, notFound: results.length - updated, results };
    },
  };
}
