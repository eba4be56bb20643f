// The dashboard's and /api/v1's read model of devices: search, pages, one record.
import type { Db } from '../../db/connect.js';
import type { DeviceRow } from '../../db/schema.js';
import { before, likeContains, toPage, type Page } from './cursor.js';
import { cursorOrFail, parseMetadata, type ListOptions } from './list.js';
import type { Metadata } from '../metadata.js';

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

/** Devices whose identifier or type contains `q` (case-insensitive), newest first. */
export async function listDevices(
  db: Db,
  organizationId: string,
  options: ListOptions & { q?: string | undefined },
): Promise<Page<DeviceView>> {
  const cursor = cursorOrFail(options.cursor);
  let query = db.selectFrom('devices').selectAll().where('organization_id', '=', organizationId);
  const q = options.q?.trim();
  if (q) query = query.where((eb) => eb.or([likeContains('identifier', q), likeContains('type', q)]));
  if (cursor) query = query.where(before('created_at', 'id', cursor));
  const rows = await query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(options.limit + 1).execute();
  return toPage(rows, options.limit, (r) => r.created_at, deviceView);
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
