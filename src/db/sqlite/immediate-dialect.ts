// Kysely begins SQLite transactions with a plain (deferred) BEGIN: the transaction reads from a snapshot and asks
// for the write lock only at its first write. If another process (the CLI, a second server on the same file)
// committed in between, SQLite cannot move the snapshot forward and fails the write at once with
// SQLITE_BUSY_SNAPSHOT, without waiting out the busy timeout. Telemap's transactions read before they write, so
// they begin IMMEDIATE instead: the write lock is taken, or waited for, before the first read.
import { CompiledQuery, SqliteDialect, SqliteDriver, type DatabaseConnection, type Driver, type SqliteDialectConfig } from 'kysely';

class ImmediateTransactionDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }
}

export class SqliteImmediateDialect extends SqliteDialect {
  readonly #config: SqliteDialectConfig;

  constructor(config: SqliteDialectConfig) {
    super(config);
    this.#config = config;
  }

  override createDriver(): Driver {
    return new ImmediateTransactionDriver(this.#config);
  }
}
