// A SQLite database behind the storage boundary: one connection, and the mechanisms that make the most of it
// (docs/architecture.md): the statement cache, group commit, the read group, the change watch for process-local
// caches, the statement batch for bulk writes, and the checkpoint thread with its write gate.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely } from 'kysely';
import type { Database, Db, WriteOptions, WriteWork } from '../database.js';
import { sqliteDialect } from '../dialect.js';
import type { Tables } from '../schema.js';
import { sqliteBulkWrites } from './bulk-writes.js';
import { sqliteChangeWatch } from './change-watch.js';
import { startCheckpointer } from './checkpointer.js';
import { groupCommit } from './group-commit.js';
import { SqliteImmediateDialect } from './immediate-dialect.js';
import { OpenWrite, runWriteWork } from './open-write.js';
import { readGroup, readsAlone } from './read-group.js';
import { withStatementCache } from './statement-cache.js';
import { sqliteStatementBatch } from './statement-batch.js';
import { WriteGate } from './write-gate.js';

export interface SqliteOptions {
  /**
   * Checkpoint the WAL in a thread of its own (db/sqlite/checkpointer.ts). Default true; one-shot CLI commands turn
   * it off, since starting a thread would cost them more than the few checkpoints they cause.
   */
  checkpointThread?: boolean;
  /** The WAL length at which the checkpoint thread holds writes back to start it over (tests lower it). */
  walRestartFrames?: number;
  /** Commit the transactions of one turn of the event loop together (default true; TELEMAP_SQLITE_GROUP_COMMIT). */
  groupCommit?: boolean;
  /** Run the hot reads of one turn in one read transaction (default true; TELEMAP_SQLITE_READ_GROUP). */
  readGroup?: boolean;
  /** Let the checkpoint thread hold writes back to start the WAL over (default true; TELEMAP_SQLITE_WRITE_GATE). */
  writeGate?: boolean;
}

/** The write gate of each database that has one: tests hold writes back through it. Not for domain code. */
const writeGates = new WeakMap<Database, WriteGate>();

export function writeGateOf(database: Database): WriteGate | undefined {
  return writeGates.get(database);
}

export function connectSqlite(path: string, options: SqliteOptions): Database {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const sqlite = new SqliteDatabase(path);
  // WAL lets readers proceed while one writer commits; the busy timeout makes a second process (the CLI, a
  // restarted server) wait for the lock instead of failing; foreign keys are off by default in SQLite.
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('foreign_keys = ON');
  // NORMAL is durable across process crashes in WAL mode (only an OS crash can lose the last commits).
  sqlite.pragma('synchronous = NORMAL');
  // 64 MiB of page cache instead of the 2 MiB default, so that the indexes of a large database stay in memory. It
  // is a ceiling, not an allocation. Its one cost: the commit after a B-tree split walks the whole cache, in the
  // SQLite bundled today (bench/sqlite-commit-scan.ts).
  sqlite.pragma('cache_size = -65536');

  const useGate = options.writeGate ?? true;
  const gate = new WriteGate();
  const checkpointer =
    (options.checkpointThread ?? true) && path !== ':memory:'
      ? startCheckpointer(sqlite, path, gate, { restartFrames: options.walRestartFrames, holdWrites: useGate })
      : undefined;
  const statements = withStatementCache(sqlite);
  const db: Db = new Kysely<Tables>({ dialect: new SqliteImmediateDialect({ database: statements }) });
  const changeWatch = sqliteChangeWatch(sqlite);
  const writes = new OpenWrite();
  const grouped = (options.groupCommit ?? true) ? groupCommit(db, { gate, writes }) : undefined;
  const reads =
    (options.readGroup ?? true)
      ? readGroup(db, { beforeBegin: () => changeWatch.prepare(), writes })
      : readsAlone(db, writes);

  /** A transaction of its own, through the gate. */
  const alone = <T>(work: WriteWork<T>): Promise<T> =>
    gate.through(() => db.transaction().execute((trx) => writes.during(() => runWriteWork(work, trx))));

  const database: Database = {
    db,
    dialect: sqliteDialect,
    read: (work) => reads.run(work),
    write: <T>(work: WriteWork<T>, writeOptions: WriteOptions = {}) =>
      grouped && !writeOptions.alone ? grouped.run(work) : alone(work),
    writeStatement: (statement) => (grouped ? grouped.run(statement) : gate.through(() => statement(db))),
    cacheEpoch: () => changeWatch.epoch(),
    bulk: sqliteBulkWrites(sqliteStatementBatch((sql) => statements.prepare(sql))),
    background: () => database,
    // The thread's connection closes first, so that the server's is the last one and SQLite folds the WAL back
    // into the database file on closing.
    close: async () => {
      await checkpointer?.stop();
      await db.destroy();
    },
  };
  if (useGate) writeGates.set(database, gate);
  return database;
}
