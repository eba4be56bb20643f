// @ts-check
// A worker program for test/http/worker-pool.test.ts: answers each message by what it says.
//   { echo: Uint8Array }  -> { result: its length and first byte }
//   { fail: string }      -> { error: the string }
//   { exit: number }      -> the thread exits with that code, without answering
//   { throw: string }     -> an uncaught exception ends the thread
//   { wait: number }      -> answers { result: 'waited' } after that many ms
import { parentPort } from 'node:worker_threads';

const port = parentPort;
if (!port) throw new Error('a worker thread program');

port.on('message', (/** @type {Record<string, any>} */ message) => {
  if ('echo' in message) port.postMessage({ result: { length: message.echo.length, first: message.echo[0] } });
  else if ('fail' in message) port.postMessage({ error: message.fail });
  else if ('exit' in message) process.exit(message.exit);
  else if ('throw' in message) throw new Error(message.throw);
  else if ('wait' in message) globalThis.setTimeout(() => port.postMessage({ result: 'waited' }), message.wait);
});
