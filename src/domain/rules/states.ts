// Rule state rows: one per (rule, device) that has something to remember (machine.ts `memoryOf`). Nothing here
// locks them: every transaction that judges a device holds that device's row first. Ingest locks the devices of a
// request before anything else (telemetry/storage.ts), and the sweep judges a due row only when it gets its device
// (sweep.ts, skipping a device an ingest holds), so two judgements of one device always take turns and the second
// reads what the first wrote.
//
// Ingest touches rule_states rows by the thousand per request, so these statements are SQL text with the lists
// passed as one parameter each (arrays on PostgreSQL, JSON on SQLite), as telemetry/storage.ts does: the text stays
// the same whatever the batch size, so it is prepared once, and no query tree of thousands of values is built.
// Rewriting rows already read, the commonest write, goes through the storage boundary's bulk writes
// (`database.bulk.updateRuleStates`), whose fastest form differs by dialect.
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

/** The state rows of these rules for these devices; a pair with no row is absent from the answer. */
export async function readStates(trx: Db, dialect: DialectSpec, organizationId: string, ruleIds: readonly string[], deviceIds: readonly string[]): Promise<Map<string, StoredState>> {
  const found = new Map<string, StoredState>();
  if (ruleIds.length === 0 || deviceIds.length === 0) return found;
  const query =
    dialect.name === 'postgres'
      ? CompiledQuery.raw(
          `select rule_id, device_id, state, due_at from rule_states
           where organization_id = $1 and rule_id = any($2::text[]) and device_id = any($3::text[])`,
          [organizationId, ruleIds, deviceIds],
        )
      : CompiledQuery.raw(
          `select rule_id, device_id, state, due_at from rule_states
           where organization_id = ? and rule_id in (select value from json_each(?)) and device_id in (select value from json_each(?))`,
          [organizationId, JSON.stringify(ruleIds), JSON.stringify(deviceIds)],
        );
  const { rows } = await trx.executeQuery<StateRow>(query);
  for (const row of rows) {
    found.set(pairKey(row.rule_id, row.device_id), { state: row.state || null, dueAt: row.due_at === null ? null : Number(row.due_at) });
  }
  return found;
}

/**
 * Which of these devices have no row of this rule, or a row without due_at (nothing for the sweep to look at): their
 * positions in `deviceIds`. A row with a due_at answers nothing, so the usual answer is empty.
 */
export async function unscheduled(trx: Db, dialect: DialectSpec, ruleId: string, deviceIds: readonly string[]): Promise<number[]> {
  if (deviceIds.length === 0) return [];
  const query =
    dialect.name === 'postgres'
      ? CompiledQuery.raw(
          `select u.i - 1 as i from unnest($2::text[]) with ordinality as u(device_id, i)
           where not exists (select 1 from rule_states s where s.rule_id = $1 and s.device_id = u.device_id and s.due_at is not null)`,
          [ruleId, deviceIds],
        )
      : CompiledQuery.raw(
          `select j.key as i from json_each(?) j
           where not exists (select 1 from rule_states s where s.rule_id = ? and s.device_id = j.value and s.due_at is not null)`,
          [JSON.stringify(deviceIds), ruleId],
        );
  const { rows } = await trx.executeQuery<{ i: number | string }>(query);
  return rows.map((row) => Number(row.i));
}

interface StateRow {
  rule_id: string;
  device_id: string;
  state: string;
  due_at: number | string | null;
}

export interface StateWrite extends StatePair {
  state: string;
  dueAt: number | null;
}

/** Deletes the state rows of these pairs (their state went back to fresh, which is no row). */
export async function deleteStates(trx: Db, dialect: DialectSpec, organizationId: string, pairs: readonly StatePair[]): Promise<void> {
  if (pairs.length === 0) return;
  const query =
    dialect.name === 'postgres'
      ? CompiledQuery.raw(
          `delete from rule_states s using unnest($2::text[], $3::text[]) as d(rule_id, device_id)
           where s.organization_id = $1 and s.rule_id = d.rule_id and s.device_id = d.device_id`,
          [organizationId, pairs.map((p) => p.ruleId), pairs.map((p) => p.deviceId)],
        )
      : CompiledQuery.raw(
          `delete from rule_states where organization_id = ? and (rule_id, device_id) in (select value ->> 0, value ->> 1 from json_each(?))`,
          [organizationId, JSON.stringify(pairs.map((p) => [p.ruleId, p.deviceId]))],
        );
  await trx.executeQuery(query);
}

function columnsOf(writes: readonly StateWrite[]) {
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
  return { ruleIds, deviceIds, states, dues };
}

/** Writes states, inserting the rows that are not there. */
export async function saveStates(trx: Db, dialect: DialectSpec, organizationId: string, writes: readonly StateWrite[], now: string): Promise<void> {
  if (writes.length === 0) return;
  const conflict = 'on conflict (rule_id, device_id) do update set state = excluded.state, due_at = excluded.due_at, updated_at = excluded.updated_at';
  if (dialect.name === 'postgres') {
    const { ruleIds, deviceIds, states, dues } = columnsOf(writes);
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
