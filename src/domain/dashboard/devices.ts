// Devices as the dashboard and /api/v1 list and show them.
import type { Db } from '../../db/connect.js';
import type { DeviceRow } from '../../db/schema.js';
import { likeContains, type Page } from './cursor.js';
import type { Metadata } from '../metadata.js';
import { countRows, parseMetadata, searchPage, searchText, type SearchListOptions } from './list.js';

export interface DeviceView {
  id: string;
  identifier: string;
  type: string | null;
  metadata: Metadata;
  createdAt: string;
  updatedAt: string;
}

export function deviceView(row: DeviceRow): DeviceView {
  return {
    id: row.id,
    identifier: row.identifier,
    type: row.type,
    metadata: parseMetadata(row.metadata),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function deviceSearch(db: Db, organizationId: string, q: string | undefined) {
  let query = db.selectFrom('devices').where('organization_id', '=', organizationId);
  // Metadata is matched in its stored JSON text: values are found, and so are key names (documented).
  if (q) query = query.where((eb) => eb.or([likeContains('identifier', q), likeContains('type', q), likeContains('metadata', q)]));
  return query;
}

/** Devices whose identifier, type or metadata contains `q` (case-insensitive), newest first, both ways. */
export async function listDevices(db: Db, organizationId: string, options: SearchListOptions): Promise<Page<DeviceView>> {
  return searchPage(options, (q) => deviceSearch(db, organizationId, q).selectAll(), deviceView);
}

export async function countDevices(db: Db, organizationId: string, options: { q?: string | undefined }): Promise<number> {
  return countRows(deviceSearch(db, organizationId, searchText(options.q)));
}

export async function getDevice(db: Db, organizationId: string, id: string): Promise<DeviceView | undefined> {
  const row = await db
    .selectFrom('devices')
    .selectAll()
    .where('organization_id', '=', organizationId)
    .where('id', '=', id)
    .executeTakeFirst();
  return row && deviceView(row);
}
