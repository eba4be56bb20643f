// Checkpoints copy the WAL back into the database file and fsync it. SQLite runs them inside whichever commit
// crosses 1000 WAL pages, so on the server's only thread: in the benchmark that stalled the event loop for longer,
// per write on average, than the write itself (the fsync). Here a worker thread with its own
// connection checkpoints instead, as Litestream does, and the server's connection keeps an automatic checkpoint
// only as a backstop, for the case where the worker falls behind or is gone.
//
// Copying is not enough: the WAL only starts over from its beginning when a write transaction begins while every
// frame in it has been copied, and under a steady stream of writes the thread never gets there, since the server
// commits more while it copies. The WAL then grew to the backstop, and the server's own checkpoint ran on the event
// loop: two fsyncs during which no request, read or write, was served, again and again under steady writes
// (docs/performance/experiments.md). So once the WAL is past RESTART_FRAMES the thread asks the server to hold back
// new write transactions (db/sqlite/write-gate.ts), copies the last frames and fsyncs, and lets the writes go; the
// next one starts the WAL over. Writes wait as long as before, but the event loop does not: reads go on being answered.
//
// Durability does not change: commits are not fsynced either way (synchronous = NORMAL), and a checkpoint
// interrupted by a crash is redone from the WAL when the database is next opened.
import { Worker } from 'node:worker_threads';
import type SqliteDatabase from 'better-sqlite3';
import type { CheckpointWorkerData } from './checkpoint-worker.js';
import type { WriteGate } from './write-gate.js';

const CHECKPOINT_INTERVAL_MS = 100;
/** The WAL's length, in pages, past which the thread holds writes back to start it over (40 MB of 4 KiB pages). */
const RESTART_FRAMES = 10_000;
/** Twice RESTART_FRAMES: reached only when the thread cannot restart the WAL (it stopped, or writes bypass the gate). */
const BACKSTOP_PAGES = 20_000;
const DEFAULT_AUTOCHECKPOINT_PAGES = 1_000;
/**
 * Passive checkpoints run back to back before a hold, at most, to catch up with the server's commits. In the
 * ticket benchmark 1-20 were needed (a few ms each); past this, the hold does what is left.
 */
const CATCH_UP_TRIES = 10;
/** The longest the thread may hold writes back, whatever it is doing: a few times a slow disk's two fsyncs. */
const MAX_WRITE_PAUSE_MS = 250;

export interface Checkpointer {
  /** Ends the thread and closes its connection. */
  stop(): Promise<void>;
}

export interface CheckpointerOptions {
  /** Tests lower it to make the thread hold writes back at every interval. */
  restartFrames?: number;
  /**
   * False: the thread only copies the WAL back and never holds writes back to start it over (no gate); the WAL then
   * starts over only when a write happens to begin right after a checkpoint that reached its end.
   */
  holdWrites?: boolean;
}

export function startCheckpointer(sqlite: SqliteDatabase.Database, path: string, gate: WriteGate, options: CheckpointerOptions = {}): Checkpointer {
  const workerData: CheckpointWorkerData = {
    path,
    intervalMs: CHECKPOINT_INTERVAL_MS,
    restartFrames: options.holdWrites === false ? null : (options.restartFrames ?? RESTART_FRAMES),
    catchUpTries: CATCH_UP_TRIES,
  };
  const worker = new Worker(new URL('./checkpoint-worker.js', import.meta.url), { workerData });
  // The thread must not keep a finished CLI command or test process alive.
  worker.unref();
  sqlite.pragma(`wal_autocheckpoint = ${BACKSTOP_PAGES}`);
  let stopping = false;
  let releaseTimer: NodeJS.Timeout | undefined;
  const release = () => {
    clearTimeout(releaseTimer);
    gate.open();
  };
  worker.on('message', (message) => {
    if (message === 'hold-writes') {
      void gate.close().then(() => {
        // A thread that never answers (stuck on a disk, or gone) must not hold the writes back for longer.
        releaseTimer = setTimeout(release, MAX_WRITE_PAUSE_MS).unref();
        worker.postMessage('writes-held');
      });
    } else if (message === 'release-writes') {
      release();
    }
  });
  const exited = new Promise<void>((resolve) => {
    worker.once('exit', () => {
      release();
      if (!stopping && sqlite.open) sqlite.pragma(`wal_autocheckpoint = ${DEFAULT_AUTOCHECKPOINT_PAGES}`);
      resolve();
    });
  });
  worker.on('error', (error) => {
    process.emitWarning(`SQLite checkpoint thread stopped (${error.message}); checkpointing in the server thread again`);
  });
  return {
    async stop() {
      stopping = true;
      // Unreferenced, the thread would let the process exit before its connection is closed.
      worker.ref();
      worker.postMessage('stop');
      await exited;
    },
  };
}
