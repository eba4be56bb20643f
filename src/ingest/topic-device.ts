// The device a message on the external broker names by its topic, found in the organization the topic names.
import type { Db } from '../db/connect.js';

export type TopicDevice = { deviceId: string } | 'unknown_organization' | 'unknown_device';

export async function findTopicDevice(db: Db, organizationId: string, identifier: string): Promise<TopicDevice> {
  const row = await db
    .selectFrom('organizations')
    .leftJoin('devices', (join) =>
      join.onRef('devices.organization_id', '=', 'organizations.id').on('devices.identifier', '=', identifier),
    )
    .select('devices.id as deviceId')
    .where('organizations.id', '=', organizationId)
    .where('organizations.deleted_at', 'is', null)
    .executeTakeFirst();
  if (!row) return 'unknown_organization';
  if (row.deviceId === null) return 'unknown_device';
  return { deviceId: row.deviceId };
}
