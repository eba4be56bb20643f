// Rule state rows: one per (rule, device), locked for the length of the transaction that judges readings, so two
// transactions (two requests, two processes) judging the same device take turns, and the second sees what the
// first decided. A missing row is inserted first (ON CONFLICT DO NOTHING) so there is always a row to lock.
//
// Ingest touches rule_states rows by the thousand per request, so these statements are SQL text with the lists
// passed as one parameter each (arrays on PostgreSQL, JSON on SQLite), as telemetry/storage.ts does: the text stays
// the same whatever the batch size, so it is prepared once, and no query tree of thousands of values is built.
import { CompiledQuery } from 'kysely';
import type { Db } from '../../db/connect.js';
import type { DialectSpec } from '../../db/dialect.js';

export interface StatePair {
  ruleId: string;
  deviceId: string;
}

export interface StoredState {
  state: string | null;
  dueAt: number | null;
}

export const pairKey = (ruleId: string, deviceId: string) => `${ruleId}|${deviceId}`;

/**
 * Locks (creating where missing) the state rows of these pairs and returns what they hold. Existing rows are locked
 * first and only the missing ones inserted (ON CONFLICT DO NOTHING) and locked after, since after a device's first
 * readings every row exists. Ingest has locked the devices' rows before (telemetry/storage.ts), so two ingest
 * transactions never wait on each other here; the sweep skips locked rows.
 */
export async function lockStates(trx: Db, dialect: DialectSpec, organizationId: string, pairs: readonly StatePair[], now: string): Promise<Map<string, StoredState>> {
  const found = await selectLocked(trx, dialect, organizationId, pairs);
  const missing = pairs.filter((p) => !found.has(pairKey(p.ruleId, p.deviceId)));
  if (missing.length === 0) return found;
  await upsertStates(trx, dialect, organizationId, missing.map((p) => ({ ...p, state: '', dueAt: null })), now, 'keep');
  for (const [key, value] of await selectLocked(trx, dialect, organizationId, missing)) found.set(key, value);
  return found;
}

interface StateRow {
  rule_id: string;
  device_id: string;
  state: string;
  due_at: number | string | null;
}

async function selectLocked(trx: Db, dialect: DialectSpec, organizationId: string, pairs: readonly StatePair[]): Promise<Map<string, StoredState>> {
  const found = new Map<string, StoredState>();
  const ruleIds = [...new Set(pairs.map((p) => p.ruleId))];
  const deviceIds = [...new Set(pairs.map((p) => p.deviceId))];
  // In key order, so two transactions locking overlapping rows on PostgreSQL take them in the same order.
  const query =
    dialect.name === 'postgres'
      ? CompiledQuery.raw(
          `select rule_id, device_id, state, due_at from rule_states
           where organization_id = $1 and rule_id = any($2::text[]) and device_id = any($3::text[])
           order by rule_id, device_id for update`,
          [organizationId, ruleIds, deviceIds],
        )
      : CompiledQuery.raw(
          `select rule_id, device_id, state, due_at from rule_states
           where organization_id = ? and rule_id in (select value from json_each(?)) and device_id in (select value from json_each(?))
           order by rule_id, device_id`,
          [organizationId, JSON.stringify(ruleIds), JSON.stringify(deviceIds)],
        );
  const { rows } = await trx.executeQuery<StateRow>(query);
  for (const row of rows) {
    found.set(pairKey(row.rule_id, row.device_id), { state: row.state || null, dueAt: row.due_at === null ? null : Number(row.due_at) });
  }
  return found;
}

export interface StateWrite extends StatePair {
  state: string;
  dueAt: number | null;
}

/** Writes states (rows locked by this transaction, or new rows of devices locked by it). */
export async function saveStates(trx: Db, dialect: DialectSpec, organizationId: string, writes: readonly StateWrite[], now: string): Promise<void> {
  await upsertStates(trx, dialect, organizationId, writes, now, 'replace');
}

async function upsertStates(
  trx: Db,
  dialect: DialectSpec,
  organizationId: string,
  writes: readonly StateWrite[],
  now: string,
  onConflict: 'keep' | 'replace',
): Promise<void> {
  if (writes.length === 0) return;
  const conflict =
    onConflict === 'keep'
      ? 'on conflict (rule_id, device_id) do nothing'
      : 'on conflict (rule_id, device_id) do update set state = excluded.state, due_at = excluded.due_at, updated_at = excluded.updated_at';
  if (dialect.name === 'postgres') {
    const ruleIds: string[] = [];
    const deviceIds: string[] = [];
    const states: string[] = [];
    const dues: (number | null)[] = [];
    for (const w of writes) {
      ruleIds.push(w.ruleId);
      deviceIds.push(w.deviceId);
      states.push(w.state);
      dues.push(w.dueAt);
    }
    await trx.executeQuery(
      CompiledQuery.raw(
        `insert into rule_states (rule_id, device_id, organization_id, state, due_at, updated_at)
         select u.rule_id, u.device_id, $1, u.state, u.due_at, $2::timestamptz
         from unnest($3::text[], $4::text[], $5::text[], $6::bigint[]) as u(rule_id, device_id, state, due_at)
         ${conflict}`,
        [organizationId, now, ruleIds, deviceIds, states, dues],
      ),
    );
    return;
  }
  // `where true` tells SQLite's parser that the ON CONFLICT belongs to the INSERT, not to a join.
  await trx.executeQuery(
    CompiledQuery.raw(
      `insert into rule_states (rule_id, device_id, organization_id, state, due_at, updated_at)
       select value ->> 0, value ->> 1, ?, value ->> 2, value ->> 3, ? from json_each(?) where true
       ${conflict}`,
      [organizationId, now, JSON.stringify(writes.map((w) => [w.ruleId, w.deviceId, w.state, w.dueAt]))],
    ),
  );
}
