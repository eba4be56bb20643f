// SQLite only: the write transactions that requests start in the same turn of the event loop commit together.
//
// A SQLite commit writes every page the transaction dirtied to the WAL, one system call per page, and in a
// ticket-creating benchmark that commit was the largest single cost of the request (docs/performance/experiments.md). Several
// requests' transactions, run as one, pay for BEGIN, COMMIT and Kysely's transaction machinery once, and a page
// that several of them dirty (the right-most leaf of an index) goes to the WAL once. This is group commit, as
// PostgreSQL and most databases do it.
//
// Each request's work still commits or fails on its own: it runs under a SAVEPOINT of the shared transaction, and a
// work that throws is rolled back to its savepoint without touching the others. No request is answered before the
// COMMIT that holds its writes, so an answered write is as durable as before. If the shared transaction itself
// cannot go on (BEGIN or COMMIT fails, or SQLite rolled the whole transaction back, as it does on a full disk),
// every work that had run in it fails with that error, including those that had succeeded, since none of them
// committed; the works it had not started yet run in the next group.
//
// Requests join a group for as long as it has not started (db/sqlite/turn-queue.ts): one request alone waits for nothing,
// and while one group runs, the requests that arrive wait for the next. better-sqlite3 runs each statement
// synchronously, so a group runs from BEGIN to COMMIT without giving the event loop a turn, and nothing else runs on
// the connection in between: reads wait for Kysely's connection lock like any query behind a transaction.
//
// Each group passes through the write gate, if given one: the checkpoint thread closes it for a moment now and then
// (db/sqlite/write-gate.ts), and the works that arrive meanwhile wait, together, for the next group.
import { CompiledQuery, type ControlledTransaction, type Kysely, type Transaction } from 'kysely';
import { turnQueue, type Pending } from './turn-queue.js';
import { runWriteWork, type OpenWrite } from './open-write.js';
import type { WriteGate } from './write-gate.js';

export type Work<DB, T> = (trx: Transaction<DB>) => Promise<T>;

type PendingWork<DB> = Pending<Work<DB, unknown>>;

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

/**
 * Bounds on one group, so that a quick write never waits long behind slow ones in the same group (a 1000-device
 * bulk-metadata takes milliseconds), and a failed COMMIT takes few requests with it: once a group has run this
 * long, or this many works, it commits, and the works it had not started wait for the next group.
 */
const DEFAULT_MAX_GROUP_MS = 5;
const MAX_GROUP_SIZE = 64;
// Sent as they are rather than through Kysely's savepoint(), which builds a new transaction object per call: a
// savepoint is set and released for every request in a group.
const SET_SAVEPOINT = CompiledQuery.raw('savepoint telemap_request');
const UNDO_TO_SAVEPOINT = CompiledQuery.raw('rollback to telemap_request');
const RELEASE_SAVEPOINT = CompiledQuery.raw('release telemap_request');

export interface GroupCommit<DB> {
  /** Runs `work` in a transaction, committed together with the other works started in the same turn. */
  run<T>(work: Work<DB, T>): Promise<T>;
}

export interface GroupCommitOptions {
  /** How long a group may run before it commits (default 5 ms; tests raise it so that a slow moment never splits one). */
  maxGroupMs?: number;
  /** Where each group waits while the checkpoint thread holds writes back (db/sqlite/write-gate.ts). */
  gate?: WriteGate;
  /** Told when a group's transaction holds the connection, so that reads started inside it are refused. */
  writes?: OpenWrite;
}

export function groupCommit<DB>(db: Kysely<DB>, options: GroupCommitOptions = {}): GroupCommit<DB> {
  const { maxGroupMs = DEFAULT_MAX_GROUP_MS, gate, writes } = options;
  const enqueue = turnQueue<Work<DB, unknown>>(async (waiting) => {
    while (waiting.length > 0) {
      // The group is chosen once the gate lets it in, so that it takes every work that arrived while it was closed.
      if (gate) await gate.enter();
      const candidates = waiting.splice(0, MAX_GROUP_SIZE);
      let ran: number;
      try {
        ran = await runGroup(db, candidates, maxGroupMs, writes);
      } catch (error) {
        // runGroup settles what it runs and is not meant to throw; if a bug made it, failing the group's requests
        // (settled ones stay as they are) keeps every later write from waiting forever behind the queue.
        for (const pending of candidates) pending.reject(error);
        ran = candidates.length;
      } finally {
        gate?.leave();
      }
      waiting.unshift(...candidates.slice(ran));
    }
  });
  return { run: <T>(work: Work<DB, T>) => enqueue<T>(work) };
}

/** Runs the candidates in order until a bound is reached, settles those it ran, and says how many that was. */
async function runGroup<DB>(
  db: Kysely<DB>,
  candidates: ReadonlyArray<PendingWork<DB>>,
  maxGroupMs: number,
  writes: OpenWrite | undefined,
): Promise<number> {
  let trx: ControlledTransaction<DB>;
  try {
    trx = await db.startTransaction().execute();
  } catch (error) {
    // BEGIN IMMEDIATE failed (another process held the write lock past the busy timeout): nothing ran.
    for (const pending of candidates) pending.reject(error);
    return candidates.length;
  }
  writes?.begin();
  // A lone work needs no savepoint: if it fails, the whole transaction rolls back instead of committing.
  const lone = candidates.length === 1;
  const started = performance.now();
  const outcomes: Outcome[] = [];
  // Works started; one more than `outcomes` while a work runs, or when one broke the shared transaction.
  let ran = 0;
  try {
    for (const pending of candidates) {
      if (ran > 0 && performance.now() - started >= maxGroupMs) break;
      ran++;
      outcomes.push(lone ? await settle(() => runWriteWork(pending.work, trx)) : await runUnderSavepoint(trx, pending.work));
    }
    if (lone && !outcomes[0]!.ok) await trx.rollback().execute();
    else await trx.commit().execute();
  } catch (error) {
    // The shared transaction failed: nothing in it committed, not even the works that had succeeded.
    await trx.rollback().execute().catch(() => undefined);
    for (const pending of candidates.slice(0, ran)) pending.reject(error);
    return ran;
  } finally {
    writes?.end();
  }
  outcomes.forEach((outcome, i) => {
    const pending = candidates[i]!;
    if (outcome.ok) pending.resolve(outcome.value);
    else pending.reject(outcome.error);
  });
  return ran;
}

/**
 * Runs one work under a savepoint; its failure is its own outcome. Throws only when the shared transaction cannot
 * go on: the savepoint could not be set or undone (SQLite had rolled the whole transaction back).
 */
async function runUnderSavepoint<DB>(trx: ControlledTransaction<DB>, work: Work<DB, unknown>): Promise<Outcome> {
  await trx.executeQuery(SET_SAVEPOINT);
  const outcome = await settle(() => runWriteWork(work, trx));
  if (!outcome.ok) await trx.executeQuery(UNDO_TO_SAVEPOINT);
  await trx.executeQuery(RELEASE_SAVEPOINT);
  return outcome;
}

async function settle(run: () => Promise<unknown>): Promise<Outcome> {
  try {
    return { ok: true, value: await run() };
  } catch (error) {
    return { ok: false, error };
  }
}
