// PostgreSQL's bulk writes: a round trip per row was most of a bulk request's time, so the rows are first locked in
// id order (two bulk requests sharing devices then wait for each other instead of deadlocking: within one
// statement PostgreSQL locks rows in whatever order its plan visits them), and then updated by one UPDATE joined to
// the unnested arrays.
import { sql } from 'kysely';
import type { BulkWrites } from '../database.js';

export const postgresBulkWrites: BulkWrites = {
  async replaceDeviceMetadata(trx, organizationId, metadataByIdentifier, updatedAt) {
    const locked = await trx
      .selectFrom('devices')
      .select(['id', 'identifier'])
      .where('organization_id', '=', organizationId)
      .where('identifier', 'in', [...metadataByIdentifier.keys()])
      .orderBy('id')
      .forUpdate()
      .execute();
    if (locked.length === 0) return new Map();
    const ids = locked.map((row) => row.id);
    const metadata = locked.map((row) => metadataByIdentifier.get(row.identifier)!);
    await sql`
      update devices set metadata = given.metadata, updated_at = ${updatedAt}
      from unnest(${ids}::text[], ${metadata}::text[]) as given(id, metadata)
      where devices.organization_id = ${organizationId} and devices.id = given.id`.execute(trx);
    return new Map(locked.map((row) => [row.identifier, row.id]));
  },
};
