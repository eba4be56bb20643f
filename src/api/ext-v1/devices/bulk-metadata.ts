import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { DomainContext } from '../../../domain/context.js';
import { replaceDevicesMetadata } from '../../../domain/devices/service.js';
import { workerPool, type WorkerPool } from '../../../http/worker-pool.js';
import { organizationOf } from '../auth.js';
import { badRequest, tooManyItems } from '../body.js';
import { EXT_MESSAGES, ExtError } from '../errors.js';
import { EXT_BULK_BODY_LIMIT } from '../limits.js';
import { defineExtRoute, type ExtRoute } from '../route.js';
import { MAX_BULK_DEVICES, readBulkMetadataBody, type BulkMetadataReading } from './bulk-metadata-body.js';

export { MAX_BULK_DEVICES };

/**
 * Bulk requests handled at once per process: one writing while the next is read and checked. SQLite commits them
 * one at a time whatever this is; more only held more parsed bodies in memory (docs/performance/experiments.md).
 */
const BULK_CONCURRENCY = 2;
/**
 * Bodies up to this size are read on the event loop, as every other route's (1 MiB is the server's default body
 * limit); larger ones in a worker thread, since parsing, checking and re-serializing 10 MiB held the event loop
 * longer than one request may (docs/security.md).
 */
const EVENT_LOOP_BODY_BYTES = 1024 * 1024;

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

type BodyReaders = WorkerPool<Uint8Array, BulkMetadataReading>;

/**
 * The route in a scope of its own, whose bodies arrive as bytes: a large one goes to a worker thread as it is,
 * without being decoded on the event loop. The scope's threads end when the app closes.
 */
export function registerBulkMetadata(app: FastifyInstance, ctx: DomainContext): void {
  void app.register(async (scope) => {
    const readers: BodyReaders = workerPool(new URL('./bulk-metadata-worker.js', import.meta.url), BULK_CONCURRENCY);
    scope.addHook('onClose', () => readers.close());
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
    defineExtRoute(scope, bulkMetadataRoute(ctx, readers));
  });
}

function bulkMetadataRoute(ctx: DomainContext, readers: BodyReaders): ExtRoute {
  return {
    method: 'POST',
    url: '/device/bulk-metadata',
    schema,
    bodyLimit: EXT_BULK_BODY_LIMIT,
    concurrency: BULK_CONCURRENCY,
    handler: async (request) => {
      const organizationId = organizationOf(request);
      const entries = await readEntries(request.body as Buffer | undefined, readers);
      const results = await replaceDevicesMetadata(ctx, organizationId, entries);
      const updated = results.filter((r) => r.status === 'updated').length;
      return { success: true, updated, notFound: results.length - updated, results };
    },
  };
}

/** The body's entries (bulk-metadata-body.js), or the error to answer; no body at all reads as an empty one. */
async function readEntries(body: Buffer | undefined, readers: BodyReaders): Promise<Array<[string, string]>> {
  const bytes = body ?? new Uint8Array(0);
  const reading =
    bytes.byteLength <= EVENT_LOOP_BODY_BYTES ? readBulkMetadataBody(bytes) : await readInWorker(bytes, readers);
  if (reading.ok) return reading.entries;
  if (reading.refusal === 'invalid_json') throw new ExtError(400, EXT_MESSAGES.invalidJson);
  if (reading.refusal === 'too_many') throw tooManyItems('devices', MAX_BULK_DEVICES);
  throw badRequest(reading.message);
}

/**
 * Hands the bytes to a thread without copying them, when they are the whole of their memory; a view into shared
 * memory (a pooled buffer) is copied first, since transferring it would take the rest of the pool with it.
 */
function readInWorker(bytes: Uint8Array, readers: BodyReaders): Promise<BulkMetadataReading> {
  const whole = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes : new Uint8Array(bytes);
  return readers.run(whole, [whole.buffer as ArrayBuffer]);
}
