// @ts-check
// The checkpoint thread's program (db/sqlite/checkpointer.ts starts it). Plain JavaScript, type-checked through
// JSDoc, because Node 20 does not apply the TypeScript loader (tsx, in tests) to worker threads; the build copies it
// to dist/ next to the module that starts it.
//
// A PASSIVE checkpoint never waits for and never blocks the server's reads and writes: it copies what no reader
// still needs. An error (a full disk, say) ends the thread. Messages: the thread sends 'hold-writes' and waits for
// 'writes-held', checkpoints, and sends 'release-writes'; the server sends 'stop' to end it.
import { createRequire } from 'node:module';
import { parentPort, workerData } from 'node:worker_threads';

/**
 * @typedef {object} CheckpointWorkerData
 * @property {string} path The database file.
 * @property {number} intervalMs How often the thread looks at the WAL.
 * @property {number | null} restartFrames The WAL length past which it asks for writes to be held; null: never.
 * @property {number} catchUpTries Passive checkpoints run back to back, at most, before asking.
 */

/** @type {CheckpointWorkerData} */
const settings = workerData;
const port = parentPort;
if (!port) throw new Error('checkpoint-worker.js runs as a worker thread');

/** @type {typeof import('better-sqlite3')} */
const SqliteDatabase = createRequire(import.meta.url)('better-sqlite3');
const sqlite = new SqliteDatabase(settings.path);

/** @returns {number} the WAL's length in frames after a passive checkpoint */
const checkpoint = () => {
  const [result] = /** @type {Array<{ log: number }>} */ (sqlite.pragma('wal_checkpoint(PASSIVE)'));
  return result ? result.log : 0;
};

let holding = false;
let askAbove = settings.restartFrames ?? Infinity;
let lastLog = 0;

const timer = setInterval(() => {
  if (holding) return;
  let log = checkpoint();
  // The WAL started over since the last look: ask again once it is long again.
  if (log < lastLog) askAbove = settings.restartFrames ?? Infinity;
  lastLog = log;
  if (log < askAbove) return;
  // Catch up first, while writes go on: SQLite fsyncs the database file only in a checkpoint that copies up to the
  // WAL's end, and a checkpoint that starts where the previous one ended found no commit in between, so that
  // previous one reached the end and fsynced. The hold below then has little left to copy.
  for (let tries = 0; tries < settings.catchUpTries; tries++) {
    const next = checkpoint();
    if (next === log) break;
    log = next;
  }
  holding = true;
  // If the WAL does not start over after this (another process keeps reading old frames), ask again only once it
  // has grown as much again, rather than holding writes back at every interval.
  askAbove = log + (settings.restartFrames ?? Infinity);
  port.postMessage('hold-writes');
}, settings.intervalMs);

port.on('message', (/** @type {unknown} */ message) => {
  if (message === 'writes-held') {
    try {
      checkpoint();
    } finally {
      holding = false;
      port.postMessage('release-writes');
    }
  } else if (message === 'stop') {
    clearInterval(timer);
    sqlite.close();
    port.close();
  }
});
