// node-postgres sends every parameterized query as an unnamed statement, which PostgreSQL parses and plans again
// on each call. A named statement is parsed once per connection and then only bound and executed, which made the
// hot reads and writes markedly faster (docs/performance/experiments.md).
//
// Statements are named by a hash of their text; each connection keeps its own. Only texts up to 4096 characters
// are named, and at most MAX_PER_CONNECTION per connection, since the server keeps every one of them in memory
// until the connection closes: long IN lists and other one-off shapes stay unnamed.
import { createHash } from 'node:crypto';
import type { PostgresPool, PostgresPoolClient } from 'kysely';
import type pg from 'pg';

const MAX_NAMED_SQL_LENGTH = 4096;
const MAX_PER_CONNECTION = 200;
const MAX_REMEMBERED_NAMES = 10_000;

/** Raised as "cached plan must not change result type" when another process changed a table under a statement. */
const FEATURE_NOT_SUPPORTED = '0A000';
/** A statement sent after an error inside a transaction. */
const IN_FAILED_TRANSACTION = '25P02';

/**
 * A statement planned before another process changed a table under it, run inside a transaction: PostgreSQL has
 * aborted the transaction. The statement now runs unnamed on every connection, so running the whole transaction
 * again succeeds (db/postgres/connect.ts does).
 */
export class StalePlanError extends Error {
  constructor(stale: unknown) {
    super('a prepared statement was planned before its table changed; the transaction can be run again', { cause: stale });
    this.name = 'StalePlanError';
  }
}

export function isStalePlan(error: unknown): error is StalePlanError {
  return error instanceof StalePlanError;
}

export function withNamedStatements(pool: pg.Pool): PostgresPool {
  const names = new Map<string, string>();
  const nameOf = (text: string): string => {
    let name = names.get(text);
    if (name === undefined) {
      name = `telemap_${createHash('sha256').update(text).digest('base64url').slice(0, 32)}`;
      if (names.size >= MAX_REMEMBERED_NAMES) names.delete(names.keys().next().value!);
      names.set(text, name);
    }
    return name;
  };
  // Shared by the pool's connections: a table change that made one connection's plan stale made every
  // connection's stale, and a transaction run again must not meet the same statement on the next connection.
  // The servers still running the old program are the ones that see this, and a rolling upgrade replaces them.
  const retired = new Set<string>();
  const wrappers = new WeakMap<pg.PoolClient, PostgresPoolClient>();

  return {
    connect: async () => {
      const client = await pool.connect();
      let wrapper = wrappers.get(client);
      if (!wrapper) {
        wrapper = namingClient(client, nameOf, retired);
        wrappers.set(client, wrapper);
      }
      return wrapper;
    },
    end: () => pool.end(),
  };
}

function namingClient(client: pg.PoolClient, nameOf: (text: string) => string, retired: Set<string>): PostgresPoolClient {
  const named = new Set<string>();
  const shouldName = (text: string) =>
    text.length <= MAX_NAMED_SQL_LENGTH && !retired.has(text) && (named.has(text) || named.size < MAX_PER_CONNECTION);

  const query = async (text: string, values: unknown[]) => {
    if (!shouldName(text)) return client.query(text, values);
    named.add(text);
    try {
      return await client.query({ name: nameOf(text), text, values });
    } catch (error) {
      if (codeOf(error) !== FEATURE_NOT_SUPPORTED) throw error;
      // Another process migrated a table this statement reads (a newer server's migration). Outside a transaction
      // the query just runs again, unnamed. Inside one PostgreSQL has already aborted the transaction and refuses
      // the retry as well: the caller rolls back and runs the transaction again.
      retired.add(text);
      named.delete(text);
      try {
        return await client.query(text, values);
      } catch (retryError) {
        throw codeOf(retryError) === IN_FAILED_TRANSACTION ? new StalePlanError(error) : retryError;
      }
    }
  };
  // Kysely passes a cursor instead of text only for streamed queries, which need a cursor class configured in the
  // dialect; Telemap configures none.
  return {
    query: query as unknown as PostgresPoolClient['query'],
    release: () => client.release(),
  };
}

function codeOf(error: unknown): unknown {
  return typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
}
