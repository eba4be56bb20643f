// SQLite's bulk writes: one single-row statement per row, found through its index, run back to back on the
// connection through the statement batch. The multi-row forms measured slower here (a CASE with a
// branch per row; an UPDATE FROM json_each that SQLite plans as a scan of the JSON per device).
import type { BulkWrites, Db } from '../database.js';
import { preparedForEach, type StatementBatch } from './statement-batch.js';

const replaceMetadataOfIdentifier = preparedForEach(
  (db: Db, metadata: string, updatedAt: string, organizationId: string, identifier: string) =>
    db
      .updateTable('devices')
      .set({ metadata, updated_at: updatedAt })
      .where('organization_id', '=', organizationId)
      .where('identifier', '=', identifier)
      .returning('id'),
);

export function sqliteBulkWrites(batch: StatementBatch): BulkWrites {
  return {
    async replaceDeviceMetadata(trx, organizationId, metadataByIdentifier, updatedAt) {
      const identifiers = [...metadataByIdentifier.keys()];
      const rows = replaceMetadataOfIdentifier(
        trx,
        batch,
        identifiers.map((identifier) => [metadataByIdentifier.get(identifier)!, updatedAt, organizationId, identifier]),
      );
      const ids = new Map<string, string>();
      rows.forEach((row, i) => row && ids.set(identifiers[i]!, row.id));
      return ids;
    },
  };
}
