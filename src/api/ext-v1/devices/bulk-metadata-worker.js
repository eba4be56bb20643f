// @ts-check
// The program of bulk-metadata's worker threads (bulk-metadata.ts starts them through http/worker-pool.ts): reads
// one body at a time, off the event loop. Plain JavaScript, type-checked through JSDoc, because Node 20 does not
// apply the TypeScript loader (tsx, in tests) to worker threads; the build copies it to dist/ next to its caller.
// Each message is the body's bytes; each answer `{ result }`, or `{ error }` for a failure that is no refusal.
import { parentPort } from 'node:worker_threads';
import { readBulkMetadataBody } from './bulk-metadata-body.js';

const port = parentPort;
if (!port) throw new Error('bulk-metadata-worker.js runs as a worker thread');

port.on('message', (/** @type {Uint8Array} */ bytes) => {
  try {
    port.postMessage({ result: readBulkMetadataBody(bytes) });
  } catch (error) {
    port.postMessage({ error: error instanceof Error ? error.message : String(error) });
  }
});
