// A PostgreSQL database behind the storage boundary: a pool of connections, server-side named statements
// (db/postgres/named-statements.ts), and transactions run once more when a plan went stale under them.
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Database, Db, WriteWork } from '../database.js';
import { postgresDialect } from '../dialect.js';
import type { Tables } from '../schema.js';
import { postgresBulkWrites } from './bulk-writes.js';
import { isStalePlan, withNamedStatements } from './named-statements.js';

const TIMESTAMPTZ_OID = 1184;
const INT8_OID = 20;

/**
 * Each stale plan unnames one more statement for good, so a transaction can meet at most one per distinct statement
 * it runs. Telemap's transactions run fewer than ten; the bound only keeps a broken assumption from looping.
 */
const MAX_ATTEMPTS = 10;

/** Connections of the background work's own pool (Database.background), beside the requests' pool. */
export const BACKGROUND_POOL_SIZE = 2;

export function connectPostgres(url: string, poolSize: number, namedStatements: boolean, statementTimeoutMs: number): Database {
  let background: Database | undefined;
  const requests = postgresDatabase(url, poolSize, namedStatements, statementTimeoutMs, () => {
    background ??= postgresDatabase(url, BACKGROUND_POOL_SIZE, namedStatements, statementTimeoutMs, () => background!);
    return background;
  });
  return {
    ...requests,
    close: async () => {
      await Promise.all([requests.close(), background?.close()]);
    },
  };
}

function postgresDatabase(
  url: string,
  poolSize: number,
  namedStatements: boolean,
  statementTimeoutMs: number,
  background: () => Database,
): Database {
  const pool = new pg.Pool({
    // Set on each connection at its start; 0 is PostgreSQL's own "no limit".
    statement_timeout: statementTimeoutMs,
    connectionString: url,
    max: poolSize,
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
  const db: Db = new Kysely<Tables>({ dialect: new PostgresDialect({ pool: namedStatements ? withNamedStatements(pool) : pool }) });
  return {
    db,
    dialect: postgresDialect,
    // Each read runs on whichever pooled connection it gets: its statements cost no file locks, and a shared
    // transaction would hold one connection for reads that could run side by side.
    read: (work) => work(db),
    write: (work) => transactionRetryingStalePlans(db, work),
    // An implicit transaction of its own: BEGIN and COMMIT around it would only add two round trips.
    writeStatement: (statement) => statement(db),
    // Several servers share the database and nothing tells one of another's writes cheaply: nothing is cached.
    cacheEpoch: () => undefined,
    bulk: postgresBulkWrites,
    background,
    close: () => db.destroy(),
  };
}

/**
 * A transaction can fail through no fault of its own: a statement this server keeps prepared was planned before
 * another process (a newer server's migration) changed its table, and PostgreSQL reports that only after aborting
 * the transaction. The statement has then been switched to unnamed on every connection, so the transaction runs
 * again, and the request succeeds instead of answering 500.
 */
async function transactionRetryingStalePlans<T>(db: Db, work: WriteWork<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await db.transaction().execute(work);
    } catch (error) {
      if (!isStalePlan(error) || attempt >= MAX_ATTEMPTS) throw error;
    }
  }
}
