// Opens the database named by the configuration and hands back a Kysely instance with its dialect spec.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { DatabaseTarget } from '../config.js';
import { sqliteChangeWatch, type ChangeWatch } from './change-watch.js';
import { groupCommit, type GroupCommit } from './group-commit.js';
import { readGroup, readsAlone, type ReadGroup } from './read-group.js';
import { postgresDialect, sqliteDialect, type DialectSpec } from './dialect.js';
import { withNamedStatements } from './pg-named-statements.js';
import { startCheckpointer } from './sqlite-checkpointer.js';
import { SqliteImmediateDialect } from './sqlite-immediate-dialect.js';
import { sqliteStatementBatch, type StatementBatch } from './statement-batch.js';
import { WriteGate } from './write-gate.js';
import type { Tables } from './schema.js';

export type Db = Kysely<Tables>;

export interface Database {
  readonly db: Db;
  readonly dialect: DialectSpec;
  /** SQLite only: tells process-local caches when their copies may be stale (db/change-watch.ts). */
  readonly changeWatch?: ChangeWatch;
  /** SQLite only: commits the transactions started in one turn of the event loop together (db/group-commit.ts). */
  readonly groupCommit?: GroupCommit<Tables>;
  /** SQLite only: runs one statement for many parameter lists without a promise per run (db/statement-batch.ts). */
  readonly statementBatch?: StatementBatch;
  /**
   * Runs the hot reads: on SQLite, those started in one turn of the event loop share one read transaction; on
   * PostgreSQL each runs alone (db/read-group.ts). Never from inside a transaction's work.
   */
  readonly readGroup: ReadGroup<Tables>;
  /** SQLite only: lets the checkpoint thread hold new write transactions back for a moment (db/write-gate.ts). */
  readonly writeGate?: WriteGate;
  close(): Promise<void>;
}

const TIMESTAMPTZ_OID = 1184;
const INT8_OID = 20;

export interface ConnectOptions {
  /** PostgreSQL connections (default 10). */
  poolSize?: number;
  /**
   * SQLite: checkpoint the WAL in a thread of its own (db/sqlite-checkpointer.ts). Default true; one-shot CLI
   * commands turn it off, since starting a thread would cost them more than the few checkpoints they cause.
   */
  checkpointThread?: boolean;
  /** SQLite: the WAL length at which the checkpoint thread holds writes back to start it over (tests lower it). */
  walRestartFrames?: number;
}

export function connectDatabase(target: DatabaseTarget, options: ConnectOptions = {}): Database {
  if (target.kind === 'sqlite') return connectSqlite(target.path, options);
  return connectPostgres(target.url, options.poolSize ?? 10, target.namedStatements, target.statementTimeoutMs);
}

function connectSqlite(path: string, options: ConnectOptions): Database {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const sqlite = new SqliteDatabase(path);
  // WAL lets readers proceed while one writer commits; the busy timeout makes a second process (the CLI, a
  // restarted server) wait for the lock instead of failing; foreign keys are off by default in SQLite.
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('foreign_keys = ON');
  // NORMAL is durable across process crashes in WAL mode (only an OS crash can lose the last commits).
  sqlite.pragma('synchronous = NORMAL');
  // 64 MiB of page cache instead of the 2 MiB default: with the default, a 10,000-customer database already pages
  // its indexes in and out under load (reads ran 25-45% faster in the benchmark with this). It is a ceiling, not
  // an allocation, and keeps the server far below its memory budget even on a million customers. Its one cost: the
  // commit after a B-tree split walks the whole cache, in the SQLite bundled today (bench/sqlite-commit-scan.ts).
  sqlite.pragma('cache_size = -65536');
  const writeGate = new WriteGate();
  const checkpointer =
    (options.checkpointThread ?? true) && path !== ':memory:'
      ? startCheckpointer(sqlite, path, writeGate, { restartFrames: options.walRestartFrames })
      : undefined;
  const statements = withStatementCache(sqlite);
  const db = new Kysely<Tables>({ dialect: new SqliteImmediateDialect({ database: statements }) });
  const changeWatch = sqliteChangeWatch(sqlite);
  return {
    db,
    dialect: sqliteDialect,
    changeWatch,
    groupCommit: groupCommit(db, { gate: writeGate }),
    readGroup: readGroup(db, { beforeBegin: () => changeWatch.prepare() }),
    statementBatch: sqliteStatementBatch((sql) => statements.prepare(sql)),
    writeGate,
    // The thread's connection closes first, so that the server's is the last one and SQLite folds the WAL back
    // into the database file on closing.
    close: async () => {
      await checkpointer?.stop();
      await db.destroy();
    },
  };
}

const STATEMENT_CACHE_SIZE = 500;
const MAX_CACHED_SQL_LENGTH = 4096;

/**
 * Kysely prepares every query anew; preparing cost as much as running the statement in the benchmark's profile.
 * Statements are reused by SQL text instead, least recently used evicted. Long texts (multi-row inserts, long IN
 * lists) are rarely repeated and are not kept. Kysely runs one statement at a time on SQLite's single connection,
 * and the statement batch runs each of its statements to completion before returning, so a cached statement is
 * never busy when it is reused.
 */
function withStatementCache(sqlite: SqliteDatabase.Database) {
  const cache = new Map<string, SqliteDatabase.Statement>();
  return {
    close: () => sqlite.close(),
    prepare(sql: string): SqliteDatabase.Statement {
      let statement = cache.get(sql);
      if (statement) {
        cache.delete(sql);
        cache.set(sql, statement);
        return statement;
      }
      statement = sqlite.prepare(sql);
      if (sql.length <= MAX_CACHED_SQL_LENGTH) {
        if (cache.size >= STATEMENT_CACHE_SIZE) cache.delete(cache.keys().next().value!);
        cache.set(sql, statement);
      }
      return statement;
    },
  };
}

function connectPostgres(url: string, poolSize: number, namedStatements: boolean, statementTimeoutMs: number): Database {
  const pool = new pg.Pool({
    connectionString: url,
    max: poolSize,
    // Set on each connection at its start; 0 is PostgreSQL's own "no limit".
    statement_timeout: statementTimeoutMs,
    types: {
      getTypeParser: (oid: number, format?: unknown) => {
        // Hand timestamps back as the same ISO strings SQLite stores, so no caller sees a Date on one dialect only.
        if (oid === TIMESTAMPTZ_OID) return (value: string) => new Date(value).toISOString();
        if (oid === INT8_OID) return (value: string) => Number(value);
        return pg.types.getTypeParser(oid, format as 'text');
      },
    },
  });
  // An idle client that loses its server emits 'error' on the pool; without a listener that would crash the
  // process. The next query surfaces the failure where it can be handled.
  pool.on('error', () => undefined);
  const db = new Kysely<Tables>({ dialect: new PostgresDialect({ pool: namedStatements ? withNamedStatements(pool) : pool }) });
  return { db, dialect: postgresDialect, readGroup: readsAlone(db), close: () => db.destroy() };
}
