// Checkpoints copy the WAL back into the database file and fsync it. SQLite runs them inside whichever commit
// crosses 1000 WAL pages, so on the server's only thread: in the benchmark that stalled the event loop for
// 50-90 µs per write on average (the fsync), more than the write itself. Here a worker thread with its own
// connection checkpoints instead, as Litestream does, and the server's connection keeps an automatic checkpoint
// only as a backstop, for the case where the worker falls behind or is gone.
//
// Copying is not enough: the WAL only starts over from its beginning when a write transaction begins while every
// frame in it has been copied, and under a steady stream of writes the thread never gets there, since the server
// commits more while it copies. The WAL then grew to the backstop, and the server's own checkpoint ran on the event
// loop: two fsyncs, 15-20 ms in which no request, read or write, was served, every 600 ms of a ticket-creating
// benchmark (docs/decisions.md). So once the WAL is past RESTART_FRAMES the thread asks the server to hold back new
// write transactions (db/write-gate.ts), copies the last frames and fsyncs, and lets the writes go; the next one
// starts the WAL over. Writes wait as long as before, but the event loop does not: reads go on being answered.
//
// Durability does not change: commits are not fsynced either way (synchronous = NORMAL), and a checkpoint
// interrupted by a crash is redone from the WAL when the database is next opened.
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type SqliteDatabase from 'better-sqlite3';
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

// The thread's whole program. It is JavaScript source rather than a module of its own because Node 20 does not
// apply the TypeScript loader (tsx, in tests) to worker threads. A PASSIVE checkpoint never waits for and never
// blocks the server's reads and writes: it copies what no reader still needs. An error (a full disk, say) ends the
// thread. Messages: the thread sends 'hold-writes' and waits for 'writes-held', checkpoints, and sends
// 'release-writes'; the server sends 'stop' to end it.
const CHECKPOINT_THREAD = `
const { parentPort, workerData } = require('node:worker_threads');
const SqliteDatabase = require(workerData.driver);
const sqlite = new SqliteDatabase(workerData.path);
const checkpoint = () => sqlite.pragma('wal_checkpoint(PASSIVE)')[0];
let holding = false;
let askAbove = workerData.restartFrames;
let lastLog = 0;
const timer = setInterval(() => {
  if (holding) return;
  let { log } = checkpoint();
  // The WAL started over since the last look: ask again once it is long again.
  if (log < lastLog) askAbove = workerData.restartFrames;
  lastLog = log;
  if (log >= askAbove) {
    // Catch up first, while writes go on. SQLite fsyncs the database file only in a checkpoint that copies up to
    // the WAL's end, which under steady writes almost never happens: left alone, the held checkpoint below fsynced
    // everything copied since the last hold, and writes waited a median of 14 ms (up to 31) in the ticket benchmark;
    // after catching up, 3.6-4.5 ms (up to 13.5). A checkpoint that starts where the previous one ended found no
    // commit in between, so that previous one reached the end and fsynced.
    for (let tries = 0; tries < workerData.catchUpTries; tries++) {
      const next = checkpoint().log;
      if (next === log) break;
      log = next;
    }
    holding = true;
    // If the WAL does not start over after this (another process keeps reading old frames), ask again only once it
    // has grown as much again, rather than holding writes back at every interval.
    askAbove = log + workerData.restartFrames;
    parentPort.postMessage('hold-writes');
  }
}, workerData.intervalMs);
parentPort.on('message', (message) => {
  if (message === 'writes-held') {
    try {
      checkpoint();
    } finally {
      holding = false;
      parentPort.postMessage('release-writes');
    }
  } else if (message === 'stop') {
    clearInterval(timer);
    sqlite.close();
    parentPort.close();
  }
});
`;

export interface Checkpointer {
  /** Ends the thread and closes its connection. */
  stop(): Promise<void>;
}

export interface CheckpointerOptions {
  /** Tests lower it to make the thread hold writes back at every interval. */
  restartFrames?: number;
}

export function startCheckpointer(sqlite: SqliteDatabase.Database, path: string, gate: WriteGate, options: CheckpointerOptions = {}): Checkpointer {
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(CHECKPOINT_THREAD, {
    eval: true,
    workerData: {
      driver,
      path,
      intervalMs: CHECKPOINT_INTERVAL_MS,
      restartFrames: options.restartFrames ?? RESTART_FRAMES,
      catchUpTries: CATCH_UP_TRIES,
    },
  });
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
