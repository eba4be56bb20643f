// The storage boundary: all that the domain sees of a database. Each dialect (db/sqlite/, db/postgres/) implements
// it with its own mechanisms, chosen at connect time (db/connect.ts); nothing here is one dialect's only.
import type { Kysely, Transaction } from 'kysely';
import type { DialectSpec } from './dialect.js';
import type { Tables } from './schema.js';

export type Db = Kysely<Tables>;

/** A transaction's work: every statement through `trx`, nothing awaited that is not a statement. */
export type WriteWork<T> = (trx: Transaction<Tables>) => Promise<T>;

export interface WriteOptions {
  /**
   * Commit on its own, at once, instead of with the other writes of this turn. For transactions so large that the
   * commit is a small part of them (a 1000-device bulk-metadata): a group saves them little, and waiting for the
   * next turn of the event loop costs them more (docs/architecture.md).
   */
  alone?: boolean;
}

/** Writes whose fastest form differs by dialect, each run inside a transaction's work. */
export interface BulkWrites {
  /**
   * Replaces the metadata (JSON text) of each identifier's device in the organization, where it exists; returns the
   * id of each device found. Identifiers must be unique.
   */
  replaceDeviceMetadata(
    trx: Db,
    organizationId: string,
    metadataByIdentifier: ReadonlyMap<string, string>,
    updatedAt: string,
  ): Promise<Map<string, string>>;
  /**
   * Rewrites the state (JSON text) and due time (ms, or null) of existing rule_states rows of the organization, one
   * per (rule, device) pair; a pair without a row is left alone. Pairs must be unique.
   */
  updateRuleStates(trx: Db, organizationId: string, rows: readonly RuleStateRow[], updatedAt: string): Promise<void>;
}

export interface RuleStateRow {
  ruleId: string;
  deviceId: string;
  state: string;
  dueAt: number | null;
}

export interface Database {
  /** The query builder for plain reads, and for the statements of migrations and maintenance. */
  readonly db: Db;
  /** The few differences of SQL between the dialects (db/dialect.ts). */
  readonly dialect: DialectSpec;
  /**
   * Runs a hot read. It may share a read transaction with the reads started in the same turn, so `work` reads only
   * through the handle it is given. Never from inside a write's work: that rejects at once (it could only wait for
   * the connection the write holds).
   */
  read<T>(work: (db: Db) => Promise<T>): Promise<T>;
  /** Runs `work` in one transaction. Use `inTransaction` (db/transaction.ts), which calls this. */
  write<T>(work: WriteWork<T>, options?: WriteOptions): Promise<T>;
  /** One write statement, atomic on its own. Use `inOneStatement` (db/transaction.ts). */
  writeStatement<T>(statement: (db: Db) => Promise<T>): Promise<T>;
  /**
   * For process-local copies of rows that change rarely (API keys, organizations): a number that differs from
   * every earlier answer once such a row may have changed, in this process or another. Undefined where nothing
   * tells (PostgreSQL): then no copy may be kept. Ask inside `read`, before using a copy and after reading a row
   * to keep.
   */
  cacheEpoch(): number | undefined;
  readonly bulk: BulkWrites;
  /**
   * The database as background work (deliveries, the rules' sweep, maintenance) should use it: connections that a
   * burst of requests cannot keep busy, so that work recorded by the requests still goes out. On PostgreSQL a small
   * pool of its own, opened on first use and closed with this one; on SQLite this database itself, since one file
   * has one writer whatever the connection.
   */
  background(): Database;
  close(): Promise<void>;
}
