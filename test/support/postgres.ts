// PostgreSQL for tests: one throwaway database per test file, dropped afterwards. Under CI=true an unreachable
// server fails the run; elsewhere the PostgreSQL half of the suite is skipped, and says so.
import { randomBytes } from 'node:crypto';
import pg from 'pg';

export const TEST_PG_ADMIN_URL = process.env.TELEMAP_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

async function adminQuery(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: TEST_PG_ADMIN_URL, connectionTimeoutMillis: 3000 });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

let reachability: Promise<string | null> | undefined;

/** null when reachable, else the reason it is not. Throws under CI=true: PostgreSQL tests are mandatory there. */
export function postgresUnavailableReason(): Promise<string | null> {
  reachability ??= adminQuery('select 1').then(
    () => null,
    (error: unknown) => {
      const reason = `PostgreSQL unreachable at ${TEST_PG_ADMIN_URL}: ${(error as Error).message}`;
      if (process.env.CI === 'true') throw new Error(`${reason} (CI=true requires PostgreSQL tests to run)`);
      return reason;
    },
  );
  return reachability;
}

export interface ScratchDatabase {
  url: string;
  drop(): Promise<void>;
}

export async function createScratchPostgres(): Promise<ScratchDatabase> {
  const name = `telemap_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  await adminQuery(`create database ${name}`);
  const url = new URL(TEST_PG_ADMIN_URL);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => adminQuery(`drop database if exists ${name} with (force)`) };
}

/**
 * How many sessions of `client`'s database wait for a lock. Asked from inside the transaction that holds the lock,
 * PostgreSQL would answer every call from the snapshot of the first one, so the snapshot is cleared each time.
 */
export async function sessionsWaitingForALock(client: pg.Client): Promise<number> {
  await client.query('select pg_stat_clear_snapshot()');
  const { rows } = await client.query<{ n: number }>(
    "select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'",
  );
  return rows[0]!.n;
}
