// @ts-check
// The program of the telemetry batch's worker threads (batch-ingest.ts starts them through http/worker-pool.ts):
// reads one body at a time, off the event loop. Plain JavaScript, type-checked through JSDoc, because Node 20 does
// not apply the TypeScript loader (tsx, in tests) to worker threads; the build copies it to dist/ next to its caller.
// Each message is a body to read; each answer `{ result }`, or `{ error }` for a failure that is no refusal.
import { parentPort } from 'node:worker_threads';
import { readBatchBody } from './batch-body.js';

/** @typedef {{ bytes: Uint8Array, format: import('./batch-body.js').BatchFormat, receivedAtMs: number, nowMs: number }} BatchBodyTask */

const port = parentPort;
if (!port) throw new Error('batch-worker.js runs as a worker thread');

port.on('message', (/** @type {BatchBodyTask} */ task) => {
  try {
    port.postMessage({ result: readBatchBody(task.bytes, task.format, task.receivedAtMs, task.nowMs) });
  } catch (error) {
    port.postMessage({ error: error instanceof Error ? error.message : String(error) });
  }
});
