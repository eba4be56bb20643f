// Devices as the dashboard and /api/v1 list and show them.
import type { Db } from '../../db/connect.js';
import type { DeviceRow } from '../../db/schema.js';
import { after, before, keysetPage, likeContains, type Page } from './cursor.js';
import type { Metadata } from '../metadata.js';
import { cursorOrFail, parseMetadata, searchText, type ListOptions } from './list.js';

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
export async function listDevices(
  db: Db,
  organizationId: string,
  options: ListOptions & { q?: string | undefined },
): Promise<Page<DeviceView>> {
  const cursor = cursorOrFail(options.cursor);
  const q = searchText(options.q);
  return keysetPage(
    cursor,
    options.limit,
    (direction, at) => {
      let query = deviceSearch(db, organizationId, q).selectAll();
      if (at) query = query.where(direction === 'older' ? before('created_at', 'id', at) : after('created_at', 'id', at));
      const order = direction === 'older' ? 'desc' : 'asc';
      return query.orderBy('created_at', order).orderBy('id', order).limit(options.limit + 1).execute();
    },
    (r) => r.created_at,
    deviceView,
  );
}

export async function countDevices(db: Db, organizationId: string, options: { q?: string | undefined }): Promise<number> {
  const row = await deviceSearch(db, organizationId, searchText(options.q))
    .select((eb) => eb.fn.countAll().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
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

/** One device-owner link, current (`unassignedAt` null) or ended. */
