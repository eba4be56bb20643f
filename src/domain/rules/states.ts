// Rule state rows: one per (rule, device), locked for the length of the transaction that judges readings, so two
// transactions (two requests, two processes) judging the same device take turns, and the second sees what the
// first decided. A missing row is inserted first (ON CONFLICT DO NOTHING) so there is always a row to lock.
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

// Bound on rows per statement: SQLite accepts at most 32766 parameters, and each row here takes six.
const ROWS_PER_STATEMENT = 500;

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

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
  for (const part of chunks(missing, ROWS_PER_STATEMENT)) {
    await trx
      .insertInto('rule_states')
      .values(part.map((p) => ({ rule_id: p.ruleId, device_id: p.deviceId, organization_id: organizationId, state: '', due_at: null, updated_at: now })))
      .onConflict((oc) => oc.columns(['rule_id', 'device_id']).doNothing())
      .execute();
  }
  for (const [key, value] of await selectLocked(trx, dialect, organizationId, missing)) found.set(key, value);
  return found;
}

async function selectLocked(trx: Db, dialect: DialectSpec, organizationId: string, pairs: readonly StatePair[]): Promise<Map<string, StoredState>> {
  const found = new Map<string, StoredState>();
  const ruleIds = [...new Set(pairs.map((p) => p.ruleId))].sort();
  for (const part of chunks([...new Set(pairs.map((p) => p.deviceId))].sort(), ROWS_PER_STATEMENT)) {
    const rows = await dialect
      .forUpdate(
        trx
          .selectFrom('rule_states')
          .select(['rule_id', 'device_id', 'state', 'due_at'])
          .where('organization_id', '=', organizationId)
          .where('rule_id', 'in', ruleIds)
          .where('device_id', 'in', part)
          .orderBy('rule_id')
          .orderBy('device_id'),
      )
      .execute();
    for (const row of rows) {
      found.set(pairKey(row.rule_id, row.device_id), { state: row.state || null, dueAt: row.due_at === null ? null : Number(row.due_at) });
    }
  }
  return found;
}

export interface StateWrite extends StatePair {
  state: string;
  dueAt: number | null;
}

/** Writes changed states back (rows that exist and are locked by this transaction). */
export async function saveStates(trx: Db, organizationId: string, writes: readonly StateWrite[], now: string): Promise<void> {
  for (const part of chunks(writes, ROWS_PER_STATEMENT)) {
    await trx
      .insertInto('rule_states')
      .values(part.map((w) => ({ rule_id: w.ruleId, device_id: w.deviceId, organization_id: organizationId, state: w.state, due_at: w.dueAt, updated_at: now })))
      .onConflict((oc) =>
        oc.columns(['rule_id', 'device_id']).doUpdateSet((eb) => ({
          state: eb.ref('excluded.state'),
          due_at: eb.ref('excluded.due_at'),
          updated_at: eb.ref('excluded.updated_at'),
        })),
      )
      .execute();
  }
}
