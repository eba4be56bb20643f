// Every ext-v1 request authenticates, and the key and its organization almost never change: where the database
// keeps a cache epoch (SQLite), the row is kept in memory and reused for as long as the epoch says no key or
// organization changed, in this process or any other. A revocation, a roll or an organization's deletion therefore still
// takes effect on the very next request. Times (a roll's grace period, an expiry) are compared on every use by
// the caller, so a copied row never outlives them. Without an epoch (PostgreSQL) every request reads.
import type { Database, Db } from '../../db/connect.js';
import { findKeyByHash, type KeyForAuthentication } from './repository.js';

/** Enough for every key of a large installation; beyond it the oldest copy is dropped. */
const MAX_KEYS = 10_000;

interface Copies {
  epoch: number;
  rows: Map<string, KeyForAuthentication>;
}

const copiesByDatabase = new WeakMap<Database, Copies>();

/**
 * The key with this hash, with its organization's deletion state: from memory when current, else the database. A
 * hot read (`database.read`): never call it from inside a transaction's work.
 */
export function keyForAuthentication(database: Database, keyHash: string): Promise<KeyForAuthentication | undefined> {
  // The epoch's check may be a statement too: with the other reads of this turn, it shares their read transaction.
  return database.read((db) => fromCopyOrDatabase(database, keyHash, db));
}

async function fromCopyOrDatabase(database: Database, keyHash: string, db: Db): Promise<KeyForAuthentication | undefined> {
  const epoch = database.cacheEpoch();
  if (epoch === undefined) return findKeyByHash(db, keyHash);
  let copies = copiesByDatabase.get(database);
  if (!copies || copies.epoch !== epoch) {
    copies = { epoch, rows: new Map() };
    copiesByDatabase.set(database, copies);
  }
  const copy = copies.rows.get(keyHash);
  if (copy) return copy;

  const row = await findKeyByHash(db, keyHash);
  // Kept only if nothing changed while the query waited and ran; otherwise the row may already be stale. Unknown
  // hashes are not kept: a key created a moment later must work at once.
  if (row && database.cacheEpoch() === epoch) {
    if (copies.rows.size >= MAX_KEYS) copies.rows.delete(copies.rows.keys().next().value!);
    copies.rows.set(keyHash, row);
  }
  return row;
}
