// POST /api/v1/telemetry/batch: a back end reports readings for many devices of its organization, keyed by device
// identifier, as JSON or CSV, optionally gzip-encoded. Up to 10 MiB, counted after inflating.
//
// The route has a scope of its own whose bodies arrive as bytes: one reader (batch-body.js) parses and checks them,
// on the event loop for small bodies and in a worker thread for large ones, so that a 10 MiB body is not parsed
// where it would hold every other request up (docs/security.md). The scope's threads end when the app closes.
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { DomainContext } from '../../../domain/context.js';
import { parsedBatch } from '../../../domain/telemetry/batch.js';
import { ingestBatch } from '../../../domain/telemetry/batch-ingest.js';
import { BATCH_BODY_LIMIT } from '../../../domain/telemetry/model.js';
import { workerPool, type WorkerPool } from '../../../http/worker-pool.js';
import { principalOf } from '../auth.js';
import { ErrorResponses, V1Error } from '../errors.js';
import { tagged } from '../schemas.js';
import { readBatchBody, type BatchBodyReading, type BatchFormat } from './batch-body.js';
import type { BatchBodyTask } from './batch-worker.js';
import { Accepted } from './device-ingest.js';
import { inflateGzipBody } from './gzip.js';
import { ingestProblem } from './problems.js';

/**
 * Bodies up to this size are read on the event loop, as every other route's (1 MiB is the server's default body
 * limit); larger ones in a worker thread.
 */
const EVENT_LOOP_BODY_BYTES = 1024 * 1024;
/** Threads reading large bodies at once; more large bodies wait for one (their writes are one at a time anyway). */
const READER_THREADS = 2;

const Body = Type.Union([Type.Record(Type.String(), Type.Unknown()), Type.String()], {
  description:
    'JSON: {"<device identifier>": <device shape>, …}; or text/csv with the header row device,ts,key,value',
});

interface SentBody {
  format: BatchFormat;
  bytes: Buffer;
}

type BodyReaders = WorkerPool<BatchBodyTask, BatchBodyReading>;

export function registerBatchIngest(app: FastifyInstance, ctx: DomainContext): void {
  void app.register(async (scope) => {
    const readers: BodyReaders = workerPool(new URL('./batch-worker.js', import.meta.url), READER_THREADS);
    scope.addHook('onClose', () => readers.close());
    // The media types the rest of /api/v1 reads (JSON, plain text) and CSV, kept as bytes for batch-body.js.
    scope.removeAllContentTypeParsers();
    const keep = (format: BatchFormat) => (_request: unknown, bytes: Buffer, done: (error: null, body: SentBody) => void) =>
      done(null, { format, bytes });
    scope.addContentTypeParser('application/json', { parseAs: 'buffer' }, keep('json'));
    scope.addContentTypeParser(['text/csv', 'text/plain'], { parseAs: 'buffer' }, keep('text'));
    scope.post(
      '/telemetry/batch',
      {
        bodyLimit: BATCH_BODY_LIMIT,
        preParsing: inflateGzipBody,
        // The schema documents the body; batch-body.js checks it, in the same words as v1's validation.
        validatorCompiler: () => (value) => ({ value }),
        schema: {
          ...tagged('telemetry'),
          summary: 'Readings of many devices, keyed by identifier (JSON or CSV, optionally gzip)',
          body: Body,
          response: { 202: Accepted, ...ErrorResponses },
        },
      },
      async (request, reply) => {
        const { organizationId } = principalOf(request);
        const receivedAt = ctx.clock.now().getTime();
        const reading = await readBody(request.body as SentBody | undefined, receivedAt, readers);
        if (!reading.ok && 'refusal' in reading) {
          throw new V1Error('bad_request', reading.refusal === 'invalid_json' ? 'The body is not valid JSON' : reading.message);
        }
        const accepted = await ingestBatch(ctx, organizationId, parsedBatch(reading)).catch(ingestProblem);
        return reply.code(202).send({ accepted });
      },
    );
  });
}

/**
 * The body's readings (batch-body.js), on the event loop or in a thread by its size. No body at all is read as `{}`,
 * as everywhere on /api/v1: a batch of nothing.
 */
async function readBody(body: SentBody | undefined, receivedAtMs: number, readers: BodyReaders): Promise<BatchBodyReading> {
  if (!body) return { ok: true, byIdentifier: new Map() };
  const { format, bytes } = body;
  if (bytes.byteLength <= EVENT_LOOP_BODY_BYTES) return readBatchBody(bytes, format, receivedAtMs, receivedAtMs);
  // Handed over without copying when the bytes are the whole of their memory; a view into shared memory (a pooled
  // buffer) is copied first, since transferring it would take the rest of the pool with it.
  const whole = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes : new Uint8Array(bytes);
  return readers.run({ bytes: whole, format, receivedAtMs, nowMs: receivedAtMs }, [whole.buffer as ArrayBuffer]);
}
