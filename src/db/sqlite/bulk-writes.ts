// SQLite's bulk writes: one single-row statement per row, found through its index, run back to back on the
// connection through the statement batch. The multi-row forms measured slower here (a CASE with a branch per row;
// an UPDATE FROM json_each that SQLite plans as a scan of the JSON per device; for rule states, an upsert from
// json_each, docs/architecture.md).
//
// better-sqlite3 runs each statement on the event loop. Large rows are written a slice at a time, with a turn of the
// event loop between slices, so that other requests are served while the transaction goes on. It keeps the one
// connection throughout (Kysely's transaction holds it): other requests' statements wait for its commit, as they
// would have waited for the thread.
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { BulkWrites, Db } from '../database.js';
import { slicesBySize } from '../slices.js';
import { preparedForEach, type StatementBatch } from './statement-batch.js';

/**
 * The metadata text written in one turn of the event loop, at most (a single larger row is written alone): the
 * statements of 10 MiB in one turn held the loop for a large part of what one request may (docs/security.md).
 */
const CHARACTERS_PER_TURN = 1024 * 1024;

const replaceMetadataOfIdentifier = preparedForEach(
  (db: Db, metadata: string, updatedAt: string, organizationId: string, identifier: string) =>
    db
      .updateTable('devices')
      .set({ metadata, updated_at: updatedAt })
      .where('organization_id', '=', organizationId)
      .where('identifier', '=', identifier)
      .returning('id'),
);

// The primary key is (rule_id, device_id); organization_id keeps the write within the tenant.
const UPDATE_RULE_STATE =
  'update rule_states set state = ?, due_at = ?, updated_at = ? where rule_id = ? and device_id = ? and organization_id = ?';

export function sqliteBulkWrites(batch: StatementBatch): BulkWrites {
  return {
    updateRuleStates(_trx, organizationId, rows, updatedAt) {
      batch.runEach(
        UPDATE_RULE_STATE,
        rows.map((row) => [row.state, row.dueAt, updatedAt, row.ruleId, row.deviceId, organizationId]),
      );
      return Promise.resolve();
    },
    async replaceDeviceMetadata(trx, organizationId, metadataByIdentifier, updatedAt) {
      const ids = new Map<string, string>();
      let first = true;
      for (const slice of slicesBySize(metadataByIdentifier, ([, metadata]) => metadata.length, CHARACTERS_PER_TURN)) {
        if (!first) await nextTurn();
        first = false;
        const rows = replaceMetadataOfIdentifier(
          trx,
          batch,
          slice.map(([identifier, metadata]) => [metadata, updatedAt, organizationId, identifier]),
        );
        rows.forEach((row, i) => row && ids.set(slice[i]![0], row.id));
      }
      return ids;
    },
  };
}
