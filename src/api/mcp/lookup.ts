// Finding the record a tool is about, by either of the names the APIs use for it, within the caller's organization.
import { deviceView, getDevice, type DeviceView } from '../../domain/dashboard/queries.js';
import { findDeviceByIdentifier } from '../../domain/devices/repository.js';
import { isUuid } from '../../domain/ids.js';
import { ToolFailure } from './results.js';
import type { ToolScope } from './scope.js';

/** A filter by id: an id that is not a UUID matches nothing, as on /api/v1's lists. */
const NO_MATCH = '00000000-0000-0000-0000-000000000000';
export function idFilter(id: string | undefined): string | undefined {
  return id === undefined ? undefined : isUuid(id) ? id.toLowerCase() : NO_MATCH;
}

/** A device by id or by identifier (exactly one of them); a device of another organization is not found. */
export async function findDevice(
  scope: ToolScope,
  by: { id?: string | undefined; identifier?: string | undefined },
  names: { id: string; identifier: string } = { id: 'id', identifier: 'identifier' },
): Promise<DeviceView> {
  const { db } = scope.ctx.database;
  if ((by.id === undefined) === (by.identifier === undefined)) throw new ToolFailure(`Give either ${names.id} or ${names.identifier}`);
  if (by.id !== undefined) {
    const found = isUuid(by.id) ? await getDevice(db, scope.organizationId, by.id.toLowerCase()) : undefined;
    if (!found) throw new ToolFailure(`No device with id ${by.id}`);
    return found;
  }
  const identifier = by.identifier!.trim();
  // An identifier with a NUL character can never have been stored (and PostgreSQL refuses it as a parameter).
  const row = identifier.includes('\0') ? undefined : await findDeviceByIdentifier(db, scope.organizationId, identifier);
  if (!row) throw new ToolFailure(`No device with identifier ${identifier}`);
  return deviceView(row);
}
