// Device-to-customer links. A link is history: it starts (assigned_at) and may end (unassigned_at); it is never
// deleted, and assigning again starts a new one. A device may have many owners and a customer many devices.
//
// Each operation is a few set-based statements whatever the number of items (chunked under the bound-parameter
// limits, chunks.ts), not several statements per item: a request of a thousand items must not hold the event loop.
//
// Concurrency: every operation is one transaction. Customers and devices created on the way use INSERT … ON
// CONFLICT DO NOTHING (never check-then-insert), so N identical requests in parallel leave one row each and exactly
// one of them reports it created. Locks are taken in one order everywhere (customers by email, then devices by
// identifier, then links), so two transactions cannot wait on each other in a cycle. A customer's row lock is held
// while its links are written, which numbers them (`position`) without ties.
import { isoNow } from '../../clock.js';
import type { Db } from '../../db/connect.js';
import type { DialectSpec } from '../../db/dialect.js';
import { inTransaction } from '../../db/transaction.js';
import type { DomainContext } from '../context.js';
import { activeDeviceIdentifiers, findCustomerByEmail } from '../customers/repository.js';
import { ensureCustomer, ensureCustomersExist } from '../customers/service.js';
import { findDeviceByIdentifier, findDeviceIdsByIdentifiers, insertDevicesIfAbsent } from '../devices/repository.js';
import { ensureDevice } from '../devices/service.js';
import { DomainError } from '../errors.js';
import { newId } from '../ids.js';
import {
  activeLinksByIdentifier,
  activelyLinkedDeviceIds,
  endAssignments,
  findActiveLinksByEmails,
  insertAssignmentsIfAbsent,
  lastPositions,
  lockCustomer,
  lockCustomersByEmail,
} from './repository.js';

const byCodeUnit = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

async function ensureLockedCustomer(db: Db, dialect: DialectSpec, organizationId: string, email: string, now: string) {
  const customer = await ensureCustomer(db, organizationId, email, now);
  await lockCustomer(db, dialect, organizationId, customer.customerId);
  return customer;
}

export interface AssignToOwnersInput {
  deviceIdentifier: string;
  /** Normalized, valid, distinct; in request order. */
  emails: readonly string[];
  /** Present: create the device with this type when it does not exist. */
  createWithType?: string;
}

export interface AssignToOwnersResult {
  deviceId: string;
  deviceWasCreated: boolean;
  /** One per email, in input order. `linked` is false when the link was active already. */
  customers: Array<{ email: string; customerId: string; wasCreated: boolean; linked: boolean }>;
}

/** Adds owners to a device (existing owners stay), creating missing customers and, if asked, the device. */
export async function assignDeviceToOwners(
  ctx: DomainContext,
  organizationId: string,
  input: AssignToOwnersInput,
): Promise<AssignToOwnersResult> {
  const unchanged = await whenAllLinkedAlready(ctx.database.db, organizationId, input);
  if (unchanged) return unchanged;
  const { dialect } = ctx.database;
  const now = isoNow(ctx.clock);
  return inTransaction(ctx.database, async (trx) => {
    if (input.createWithType === undefined && !(await findDeviceByIdentifier(trx, organizationId, input.deviceIdentifier))) {
      throw new DomainError({ code: 'device_not_found' });
    }
    const emails = [...input.emails].sort(byCodeUnit);
    const created = await ensureCustomersExist(trx, organizationId, emails, now);
    const customerIds = await lockCustomersByEmail(trx, dialect, organizationId, emails);
    const idOf = (email: string): string => {
      const id = customerIds.get(email);
      if (id === undefined) throw new Error('customer vanished between insert and lock');
      return id;
    };
    const device = await ensureDevice(trx, organizationId, input.deviceIdentifier, input.createWithType, now);
    if (!device) throw new DomainError({ code: 'device_not_found' });

    // Each customer gets one link here, numbered after its others; the rows are locked, so no one else numbers them.
    const last = await lastPositions(trx, organizationId, emails.map(idOf));
    const started = await insertAssignmentsIfAbsent(
      trx,
      emails.map((email) => ({
        id: newId(),
        organization_id: organizationId,
        device_id: device.deviceId,
        customer_id: idOf(email),
        assigned_at: now,
        unassigned_at: null,
        position: (last.get(idOf(email)) ?? 0) + 1,
      })),
    );
    return {
      deviceId: device.deviceId,
      deviceWasCreated: device.wasCreated,
      customers: input.emails.map((email) => ({
        email,
        customerId: idOf(email),
        wasCreated: created.has(email),
        linked: started.has(`${device.deviceId}/${idOf(email)}`),
      })),
    };
  });
}

/**
 * The answer when the device exists and is linked to every one of the customers already: nothing to write, so no
 * transaction and no write lock. Syncs that replay their assignments every night mostly hit this. It is the answer
 * the transaction would give at that moment (device and customers not created, no link started); anything less
 * than "all linked" goes through the transaction.
 */
async function whenAllLinkedAlready(
  db: Db,
  organizationId: string,
  input: AssignToOwnersInput,
): Promise<AssignToOwnersResult | undefined> {
  const links = await findActiveLinksByEmails(db, organizationId, input.deviceIdentifier, input.emails);
  const customers: AssignToOwnersResult['customers'] = [];
  let deviceId: string | undefined;
  for (const email of input.emails) {
    const link = links.get(email);
    if (!link) return undefined;
    deviceId = link.device_id;
    customers.push({ email, customerId: link.customer_id, wasCreated: false, linked: false });
  }
  return deviceId === undefined ? undefined : { deviceId, deviceWasCreated: false, customers };
}

export interface AssignDevicesInput {
  /** Normalized and valid. */
  email: string;
  /** Trimmed, non-empty, distinct; in request order. */
  deviceIdentifiers: readonly string[];
  /** Present: create missing devices with this type. */
  createWithType?: string;
}

export interface AssignedDevice {
  identifier: string;
  deviceId: string;
  wasCreated: boolean;
}

export interface AssignDevicesResult {
  customerId: string;
  customerWasCreated: boolean;
  /** Newly linked (maybe created), in input order. */
  assigned: AssignedDevice[];
  /** Linked already. */
  alreadyAssigned: AssignedDevice[];
  /** Unknown and not created. */
  skipped: string[];
}

/** Links devices to one customer (created if missing); the new links list after the customer's others, in input order. */
export async function assignDevicesToOwner(
  ctx: DomainContext,
  organizationId: string,
  input: AssignDevicesInput,
): Promise<AssignDevicesResult> {
  const { dialect } = ctx.database;
  const now = isoNow(ctx.clock);
  return inTransaction(ctx.database, async (trx) => {
    const customer = await ensureLockedCustomer(trx, dialect, organizationId, input.email, now);
    const sorted = [...input.deviceIdentifiers].sort(byCodeUnit);
    const { createWithType } = input;
    const created =
      createWithType === undefined
        ? new Set<string>()
        : await insertDevicesIfAbsent(
            trx,
            sorted.map((identifier) => ({
              id: newId(),
              organization_id: organizationId,
              identifier,
              type: createWithType,
              metadata: '{}',
              created_at: now,
              updated_at: now,
            })),
          );
    const deviceIds = await findDeviceIdsByIdentifiers(trx, organizationId, sorted);
    const known = input.deviceIdentifiers.filter((identifier) => deviceIds.has(identifier));

    // The customer's row is locked: its active links and its last position cannot change under us, so the links to
    // start are known before the insert and numbered without gaps, in input order.
    const linked = await activelyLinkedDeviceIds(trx, organizationId, customer.customerId, known.map((i) => deviceIds.get(i)!));
    const toLink = known.filter((identifier) => !linked.has(deviceIds.get(identifier)!));
    let position = toLink.length === 0 ? 0 : ((await lastPositions(trx, organizationId, [customer.customerId])).get(customer.customerId) ?? 0);
    const started = await insertAssignmentsIfAbsent(
      trx,
      toLink.map((identifier) => ({
        id: newId(),
        organization_id: organizationId,
        device_id: deviceIds.get(identifier)!,
        customer_id: customer.customerId,
        assigned_at: now,
        unassigned_at: null,
        position: (position += 1),
      })),
    );

    const result: AssignDevicesResult = {
      customerId: customer.customerId,
      customerWasCreated: customer.wasCreated,
      assigned: [],
      alreadyAssigned: [],
      skipped: [],
    };
    for (const identifier of input.deviceIdentifiers) {
      const deviceId = deviceIds.get(identifier);
      if (deviceId === undefined) {
        result.skipped.push(identifier);
      } else if (started.has(`${deviceId}/${customer.customerId}`)) {
        result.assigned.push({ identifier, deviceId, wasCreated: created.has(identifier) });
      } else {
        result.alreadyAssigned.push({ identifier, deviceId, wasCreated: false });
      }
    }
    return result;
  });
}

export interface UnassignResult {
  customerId: string;
  /** Identifiers whose link ended, in input order. */
  unassigned: string[];
  /** Identifiers that had no active link with the customer (unknown devices included). */
  skipped: string[];
  /** The customer's devices after the change, oldest link first. */
  devicesRemaining: string[];
}

/**
 * Ends the customer's links to these devices; the links stay as history. Never creates a customer. With
 * `requireAll`, a device that is not linked fails the whole call with `device_not_assigned` (nothing is written).
 */
export async function unassignDevicesFromOwner(
  ctx: DomainContext,
  organizationId: string,
  input: { email: string; deviceIdentifiers: readonly string[]; requireAll?: boolean },
): Promise<UnassignResult> {
  const { dialect } = ctx.database;
  const now = isoNow(ctx.clock);
  return inTransaction(ctx.database, async (trx) => {
    const customer = await findCustomerByEmail(trx, organizationId, input.email);
    if (!customer) throw new DomainError({ code: 'customer_not_found' });
    await lockCustomer(trx, dialect, organizationId, customer.id);
    // The customer's row is locked: the active links read here are the ones the update below ends.
    const links = await activeLinksByIdentifier(trx, organizationId, customer.id, input.deviceIdentifiers);
    const result: UnassignResult = { customerId: customer.id, unassigned: [], skipped: [], devicesRemaining: [] };
    const ending: string[] = [];
    for (const identifier of input.deviceIdentifiers) {
      const link = links.get(identifier);
      if (link !== undefined) {
        links.delete(identifier);
        ending.push(link);
        result.unassigned.push(identifier);
      } else if (input.requireAll) {
        // As if the links listed before this one had ended (the whole call then fails and writes nothing).
        const endedBefore = new Set(result.unassigned);
        const current = await activeDeviceIdentifiers(trx, dialect, organizationId, customer.id);
        throw new DomainError({
          code: 'device_not_assigned',
          customerId: customer.id,
          deviceIdentifier: identifier,
          currentDevices: current.filter((device) => !endedBefore.has(device)),
        });
      } else {
        result.skipped.push(identifier);
      }
    }
    await endAssignments(trx, organizationId, customer.id, ending, now);
    result.devicesRemaining = await activeDeviceIdentifiers(trx, dialect, organizationId, customer.id);
    return result;
  });
}
