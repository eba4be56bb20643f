// Kysely prepares every query anew, and preparing cost as much as running the statement. Statements are reused by
// SQL text instead, least recently used evicted. Long texts (multi-row inserts, long IN lists) are rarely repeated
// and are not kept. Kysely runs one statement at a time on SQLite's single connection, and the statement batch
// runs each of its statements to completion before returning, so a cached statement is never busy when reused.
import type SqliteDatabase from 'better-sqlite3';

const STATEMENT_CACHE_SIZE = 500;
const MAX_CACHED_SQL_LENGTH = 4096;

export interface StatementCache {
  close(): void;
  prepare(sql: string): SqliteDatabase.Statement;
}

export function withStatementCache(sqlite: SqliteDatabase.Database): StatementCache {
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
