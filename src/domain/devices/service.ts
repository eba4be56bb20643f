import { isoNow } from '../../clock.js';
import type { Db } from '../../db/connect.js';
import type { DevicesTable } from '../../db/schema.js';
import { inTransaction } from '../../db/transaction.js';
import type { DomainContext } from '../context.js';
import { DomainError } from '../errors.js';
import { newId } from '../ids.js';
import type { Updateable } from 'kysely';
import {
  findDeviceByIdentifier,
  findDeviceByIdentifierForUpdate,
  insertDeviceIfAbsent,
  updateDeviceRow,
} from './repository.js';
import type { Metadata } from '../metadata.js';

/** Declared in domain/metadata.ts; exported here too for the callers that import it from this module. */
export type { Metadata };

/** Longer identifiers are refused: an identifier is an indexed natural key (PostgreSQL caps index entries). */
export const MAX_IDENTIFIER_LENGTH = 255;

export interface DeviceUpsert {
  /** Trimmed, non-empty. */
  identifier: string;
  /** Required when the device does not exist yet; when it does, replaces the stored type. */
  type?: string;
  /** Merged key by key (shallow) into the stored metadata. */
  properties?: Metadata;
}

export interface UpsertedDevice {
  deviceId: string;
  identifier: string;
  type: string | null;
  wasCreated: boolean;
}

/**
 * Creates the device or updates the fields sent. One transaction: the existing row is locked before its metadata is
 * read, so concurrent merges each see the other's keys; a concurrent create of the same identifier yields to the
 * unique index and turns into an update.
 */
export async function upsertDevice(ctx: DomainContext, organizationId: string, input: DeviceUpsert): Promise<UpsertedDevice> {
  const { dialect } = ctx.database;
  const now = isoNow(ctx.clock);
  return inTransaction(ctx.database, async (trx) => {
    let existing = await findDeviceByIdentifierForUpdate(trx, dialect, organizationId, input.identifier);
    if (!existing) {
      if (input.type === undefined) throw new DomainError({ code: 'device_type_required' });
      const id = newId();
      const created = await insertDeviceIfAbsent(trx, {
        id,
        organization_id: organizationId,
        identifier: input.identifier,
        type: input.type,
        metadata: JSON.stringify(input.properties ?? {}),
        created_at: now,
        updated_at: now,
      });
      if (created) return { deviceId: id, identifier: input.identifier, type: input.type, wasCreated: true };
      existing = await findDeviceByIdentifierForUpdate(trx, dialect, organizationId, input.identifier);
      if (!existing) throw new Error('device vanished between conflict and read');
    }
    const patch: Updateable<DevicesTable> = { updated_at: now };
    if (input.type !== undefined) patch.type = input.type;
    if (input.properties !== undefined) {
      patch.metadata = JSON.stringify({ ...(JSON.parse(existing.metadata) as Metadata), ...input.properties });
    }
    await updateDeviceRow(trx, organizationId, existing.id, patch);
    return { deviceId: existing.id, identifier: existing.identifier, type: patch.type ?? existing.type, wasCreated: false };
  });
}

export interface MetadataReplacement {
  status: 'updated' | 'not_found';
  identifier: string;
  /** Empty string when not found. */
  deviceId: string;
}

/**
 * Replaces the whole metadata of each listed device that exists; never creates one. Entries are applied in input
 * order (a repeated identifier: the later entry wins) in one transaction; one result per entry, in input order.
 * Each entry's metadata comes as the JSON text of an object, as it will be stored: the caller parsed and checked it
 * (for a large request, off the event loop).
 */
export async function replaceDevicesMetadata(
  ctx: DomainContext,
  organizationId: string,
  entries: ReadonlyArray<readonly [identifier: string, metadataJson: string]>,
): Promise<MetadataReplacement[]> {
  const now = isoNow(ctx.clock);
  // A repeated identifier keeps its first position and its last metadata, as JSON.parse does with repeated keys.
  // An identifier with a NUL character can never have been stored (and PostgreSQL refuses it as a parameter), so
  // it is not looked up: it is simply not found.
  const metadataByIdentifier = new Map<string, string>();
  for (const [identifier, metadataJson] of entries) {
    if (!identifier.includes('\0')) metadataByIdentifier.set(identifier, metadataJson);
  }
  const ids =
    metadataByIdentifier.size === 0
      ? new Map<string, string>()
      : await inTransaction(
          ctx.database,
          (trx) => ctx.database.bulk.replaceDeviceMetadata(trx, organizationId, metadataByIdentifier, now),
          { alone: true },
        );
  return entries.map(([identifier]) => {
    const id = ids.get(identifier);
    return id === undefined
      ? { identifier, deviceId: '', status: 'not_found' as const }
      : { identifier, deviceId: id, status: 'updated' as const };
  });
}

/**
 * Finds the device, or creates it with `type` when `type` is given, without a check-then-insert race: exactly one
 * of any concurrent creators reports `wasCreated`. Undefined when it does not exist and no type was given.
 */
export async function ensureDevice(
  db: Db,
  organizationId: string,
  identifier: string,
  type: string | undefined,
  now: string,
): Promise<{ deviceId: string; wasCreated: boolean } | undefined> {
  if (type !== undefined) {
    const id = newId();
    const created = await insertDeviceIfAbsent(db, {
      id,
      organization_id: organizationId,
      identifier,
      type,
      metadata: '{}',
      created_at: now,
      updated_at: now,
    });
    if (created) return { deviceId: id, wasCreated: true };
  }
  const existing = await findDeviceByIdentifier(db, organizationId, identifier);
  return existing && { deviceId: existing.id, wasCreated: false };
}
