// PostgreSQL's bulk writes: a round trip per row was most of a bulk request's time, so the rows are first locked in
// id order (two bulk requests sharing devices then wait for each other instead of deadlocking: within one
// statement PostgreSQL locks rows in whatever order its plan visits them), and then updated by UPDATEs joined to
// the unnested arrays.
//
// node-postgres writes an array parameter as one literal, escaping every element, on the event loop: for 10 MiB of
// metadata that held it longer than one request may (docs/security.md). So each UPDATE carries at most
// CHARACTERS_PER_STATEMENT of metadata, and the loop is free again while each one runs.
import { CompiledQuery, sql } from 'kysely';
import type { BulkWrites } from '../database.js';
import { slicesBySize } from '../slices.js';

const CHARACTERS_PER_STATEMENT = 1024 * 1024;

export const postgresBulkWrites: BulkWrites = {
  // A plain UPDATE joined to the unnested columns: cheaper than an insert that meets its conflict.
  async updateRuleStates(trx, organizationId, rows, updatedAt) {
    if (rows.length === 0) return;
    await trx.executeQuery(
      CompiledQuery.raw(
        `update rule_states s set state = u.state, due_at = u.due_at, updated_at = $2::timestamptz
         from unnest($3::text[], $4::text[], $5::text[], $6::bigint[]) as u(rule_id, device_id, state, due_at)
         where s.organization_id = $1 and s.rule_id = u.rule_id and s.device_id = u.device_id`,
        [organizationId, updatedAt, rows.map((r) => r.ruleId), rows.map((r) => r.deviceId), rows.map((r) => r.state), rows.map((r) => r.dueAt)],
      ),
    );
  },
  async replaceDeviceMetadata(trx, organizationId, metadataByIdentifier, updatedAt) {
    const locked = await trx
      .selectFrom('devices')
      .select(['id', 'identifier'])
      .where('organization_id', '=', organizationId)
      .where('identifier', 'in', [...metadataByIdentifier.keys()])
      .orderBy('id')
      .forUpdate()
      .execute();
    const metadataOf = (row: { identifier: string }) => metadataByIdentifier.get(row.identifier)!;
    for (const slice of slicesBySize(locked, (row) => metadataOf(row).length, CHARACTERS_PER_STATEMENT)) {
      const ids = slice.map((row) => row.id);
      const metadata = slice.map(metadataOf);
      await sql`
        update devices set metadata = given.metadata, updated_at = ${updatedAt}
        from unnest(${ids}::text[], ${metadata}::text[]) as given(id, metadata)
        where devices.organization_id = ${organizationId} and devices.id = given.id`.execute(trx);
    }
    return new Map(locked.map((row) => [row.identifier, row.id]));
  },
};
