// Opens the database named by the configuration, behind the storage boundary (db/database.ts), with the
// mechanisms of its dialect (db/sqlite/, db/postgres/).
import type { DatabaseTarget } from '../config.js';
import type { Database } from './database.js';
import { connectPostgres } from './postgres/connect.js';
import { connectSqlite, type SqliteOptions } from './sqlite/connect.js';

export type { Database, Db } from './database.js';
export { writeGateOf } from './sqlite/connect.js';

export interface ConnectOptions extends SqliteOptions {
  /** PostgreSQL connections (default 10). */
  poolSize?: number;
}

export function connectDatabase(target: DatabaseTarget, options: ConnectOptions = {}): Database {
  if (target.kind === 'sqlite') return connectSqlite(target.path, options);
  return connectPostgres(target.url, options.poolSize ?? 10, target.namedStatements, target.statementTimeoutMs);
}
