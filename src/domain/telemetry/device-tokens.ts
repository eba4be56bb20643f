// Device tokens: the credential a device sends its own readings with (POST /api/v1/telemetry, the MQTT username).
// At most one per device (device_tokens has one row per device): issuing replaces the row, so the previous token
// stops working with the same statement; revoking deletes it. Stored only as a SHA-256 digest (domain/secrets.ts).
import { sql } from 'kysely';
import type { Db } from '../../db/connect.js';
import { prepared } from '../../db/prepared.js';
import type { DomainContext } from '../context.js';
import { DomainError } from '../errors.js';
import { digestsEqual, generateSecret, hashSecret } from '../secrets.js';
import { findDeviceByIdentifier } from '../devices/repository.js';
import { findLiveOrganization } from '../orgs/repository.js';

export const DEVICE_TOKEN_PREFIX = 'tlmd_';
const RANDOM_LENGTH = 40;

export interface IssuedDeviceToken {
  deviceId: string;
  /** The token itself: it exists only in this value, the database keeps its digest. */
  token: string;
  createdAt: string;
}

export interface DeviceTokenPrincipal {
  organizationId: string;
  deviceId: string;
  identifier: string;
}

/** Cheap shape check, so that garbage never reaches the database. */
export function looksLikeDeviceToken(value: string): boolean {
  return value.startsWith(DEVICE_TOKEN_PREFIX) && value.length >= DEVICE_TOKEN_PREFIX.length + 32 && value.length <= 200;
}

/** A new token for the organization's device, replacing its previous one at once. */
export async function issueDeviceToken(ctx: DomainContext, organizationId: string, deviceId: string): Promise<IssuedDeviceToken> {
  const { db } = ctx.database;
  const device = await db
    .selectFrom('devices')
    .select('id')
    .where('organization_id', '=', organizationId)
    .where('id', '=', deviceId)
    .executeTakeFirst();
  if (!device) throw new DomainError({ code: 'device_not_found' });
  const token = generateSecret(DEVICE_TOKEN_PREFIX, RANDOM_LENGTH);
  const createdAt = ctx.clock.now().toISOString();
  await db
    .insertInto('device_tokens')
    .values({ device_id: deviceId, organization_id: organizationId, token_hash: hashSecret(token), created_at: createdAt })
    .onConflict((oc) => oc.column('device_id').doUpdateSet({ token_hash: (eb) => eb.ref('excluded.token_hash'), created_at: (eb) => eb.ref('excluded.created_at') }))
    .execute();
  return { deviceId, token, createdAt };
}

/** Ends the device's live token; device_not_found for another organization's device, false when it had none. */
export async function revokeDeviceToken(ctx: DomainContext, organizationId: string, deviceId: string): Promise<boolean> {
  const result = await ctx.database.db
    .deleteFrom('device_tokens')
    .where('device_id', '=', deviceId)
    .where('organization_id', '=', organizationId)
    .executeTakeFirst();
  return result.numDeletedRows > 0n;
}

/** Whether the device has a live token, and since when (for the device page). */
export async function deviceTokenCreatedAt(ctx: DomainContext, organizationId: string, deviceId: string): Promise<string | null> {
  const row = await ctx.database.db
    .selectFrom('device_tokens')
    .select('created_at')
    .where('device_id', '=', deviceId)
    .where('organization_id', '=', organizationId)
    .executeTakeFirst();
  return row?.created_at ?? null;
}

// Every device request runs this: compiled once (db/prepared.ts) rather than built anew each time.
const tokenOwner = prepared((db: Db, digest: string) =>
  db
    .selectFrom('device_tokens as t')
    .innerJoin('devices as d', 'd.id', 't.device_id')
    .innerJoin('organizations as o', 'o.id', 't.organization_id')
    .select(['t.token_hash', 't.organization_id', 't.device_id', 'd.identifier'])
    .where('t.token_hash', '=', digest)
    .where('o.deleted_at', 'is', null)
    .where(sql<boolean>`d.organization_id = t.organization_id`),
);

/**
 * The device a presented token belongs to, or null for a missing, unknown, replaced or revoked token, or one of a
 * deleted organization. Read from the database on every call, so a revoked token is refused by the next request.
 */
export async function authenticateDeviceToken(
  ctx: DomainContext,
  presented: string | undefined,
): Promise<DeviceTokenPrincipal | null> {
  if (!presented || !looksLikeDeviceToken(presented)) return null;
  const digest = hashSecret(presented);
  const [row] = await tokenOwner(ctx.database.db, digest);
  if (!row || !digestsEqual(row.token_hash, digest)) return null;
  return { organizationId: row.organization_id, deviceId: row.device_id, identifier: row.identifier };
}

/** The same for a device named by its identifier (the CLI); organization_not_found for a missing or deleted one. */
export async function issueDeviceTokenByIdentifier(ctx: DomainContext, organizationId: string, identifier: string): Promise<IssuedDeviceToken> {
  const { db } = ctx.database;
  if (!(await findLiveOrganization(db, organizationId))) throw new DomainError({ code: 'organization_not_found' });
  const device = await findDeviceByIdentifier(db, organizationId, identifier);
  if (!device) throw new DomainError({ code: 'device_not_found' });
  return issueDeviceToken(ctx, organizationId, device.id);
}
