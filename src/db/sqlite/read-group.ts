// The hot reads that requests start in the same turn of the event loop run in one read transaction, on SQLite.
//
// A statement run outside a transaction takes SQLite's locks and lets them go again on its own: four `fcntl`
// calls and two `stat`s, which cost more than a primary-key read itself. Each ext-v1 read paid that twice, once for
// the API key's change watch and once for the record. Reads that run in one transaction pay it once between them
// (docs/performance/experiments.md has the measurements).
//
// Requests join a group for as long as it has not started (db/sqlite/turn-queue.ts, shared with the group
// commit). The group holds Kysely's connection from BEGIN to COMMIT, so it never runs inside a write transaction and never sees
// a write that is not committed, and a write waits for it as for any query. Every read in the group sees the
// database as of the group's first statement, which came after every one of its requests arrived.
//
// A work must only read, and only through the handle it is given: a query on the database's own handle would
// wait for the connection the group holds, and the group for the work. Likewise a read started inside a write's
// work would wait for the connection that write holds, and the write for the read: such a read is refused at once
// (db/sqlite/open-write.ts).
import { sql, type Kysely } from 'kysely';
import type { OpenWrite } from './open-write.js';
import { turnQueue, type Pending } from './turn-queue.js';

export type ReadWork<DB, T> = (db: Kysely<DB>) => Promise<T>;

export interface ReadGroup<DB> {
  /** Runs `work` in a read transaction shared with the reads started in the same turn (or alone, when turned off). */
  run<T>(work: ReadWork<DB, T>): Promise<T>;
}

type PendingRead<DB> = Pending<ReadWork<DB, unknown>>;

/** Reads take tens of microseconds; the bound only keeps one group from holding the connection for long. */
const MAX_GROUP_SIZE = 64;

export interface ReadGroupOptions {
  /** Runs on the connection before each BEGIN, with no transaction open (the change watch installs itself). */
  beforeBegin?: () => void;
  /** The write transactions on the same connection, so that a read started inside one is refused. */
  writes?: OpenWrite;
}

export function readGroup<DB>(db: Kysely<DB>, options: ReadGroupOptions = {}): ReadGroup<DB> {
  const { writes } = options;
  const enqueue = turnQueue<ReadWork<DB, unknown>>(async (waiting) => {
    while (waiting.length > 0) {
      const group = waiting.splice(0, MAX_GROUP_SIZE);
      try {
        await db.connection().execute((connection) => runGroup(connection, group, options));
      } catch (error) {
        // BEGIN failed, or a bug: the works that had not been settled fail with it rather than wait for ever.
        for (const pending of group) pending.reject(error);
      }
    }
  });
  return {
    run: async <T>(work: ReadWork<DB, T>) => {
      writes?.refuseReadInsideWrite();
      return enqueue<T>(work);
    },
  };
}

/** The read group turned off: each read runs alone on the connection, and one started inside a write is refused. */
export function readsAlone<DB>(db: Kysely<DB>, writes: OpenWrite): ReadGroup<DB> {
  return {
    run: async <T>(work: ReadWork<DB, T>) => {
      writes.refuseReadInsideWrite();
      return work(db);
    },
  };
}

async function runGroup<DB>(connection: Kysely<DB>, group: ReadonlyArray<PendingRead<DB>>, options: ReadGroupOptions): Promise<void> {
  options.beforeBegin?.();
  // A deferred BEGIN takes no lock until the first read; COMMIT lets the read lock go.
  await sql`begin`.execute(connection);
  try {
    for (const pending of group) {
      try {
        pending.resolve(await pending.work(connection));
      } catch (error) {
        pending.reject(error);
      }
    }
  } finally {
    // A read-only transaction has nothing to lose; if COMMIT fails the connection must still leave the transaction.
    await sql`commit`.execute(connection).catch(() => sql`rollback`.execute(connection).catch(() => undefined));
  }
}
