// Checkpoints copy the WAL back into the database file and fsync it. SQLite runs them inside whichever commit
// crosses 1000 WAL pages, so on the server's only thread: in the benchmark that stalled the event loop for
// 50-90 µs per write on average (the fsync), more than the write itself. Here a worker thread with its own
// connection checkpoints instead, as Litestream does, and the server's connection keeps an automatic checkpoint
// only as a backstop at ten times the default, for the case where the worker falls behind or is gone.
//
// Durability does not change: commits are not fsynced either way (synchronous = NORMAL), and a checkpoint
// interrupted by a crash is redone from the WAL when the database is next opened.
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type SqliteDatabase from 'better-sqlite3';

const CHECKPOINT_INTERVAL_MS = 100;
const BACKSTOP_PAGES = 10_000;
const DEFAULT_AUTOCHECKPOINT_PAGES = 1_000;

// The thread's whole program. It is JavaScript source rather than a module of its own because Node 20 does not
// apply the TypeScript loader (tsx, in tests) to worker threads. A PASSIVE checkpoint never waits for and never
// blocks the server's reads and writes: it copies what no reader still needs, and the server's next write starts
// the WAL over once all of it has been copied. An error (a full disk, say) ends the thread.
const CHECKPOINT_THREAD = `
const { parentPort, workerData } = require('node:worker_threads');
const SqliteDatabase = require(workerData.driver);
const sqlite = new SqliteDatabase(workerData.path);
const timer = setInterval(() => sqlite.pragma('wal_checkpoint(PASSIVE)'), workerData.intervalMs);
parentPort.on('message', () => {
  clearInterval(timer);
  sqlite.close();
  parentPort.close();
});
`;

export interface Checkpointer {
  /** Ends the thread and closes its connection. */
  stop(): Promise<void>;
}

export function startCheckpointer(sqlite: SqliteDatabase.Database, path: string): Checkpointer {
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(CHECKPOINT_THREAD, { eval: true, workerData: { driver, path, intervalMs: CHECKPOINT_INTERVAL_MS } });
  // The thread must not keep a finished CLI command or test process alive.
  worker.unref();
  sqlite.pragma(`wal_autocheckpoint = ${BACKSTOP_PAGES}`);
  let stopping = false;
  const exited = new Promise<void>((resolve) => {
    worker.once('exit', () => {
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
