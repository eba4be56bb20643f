// Device-to-customer links. A link is history: it starts (assigned_at) and may end (unassigned_at); it is never
// deleted, and assigning again starts a new one. A device may have many owners and a customer many devices.
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
import { ensureCustomer } from '../customers/service.js';
import { ensureDevice } from '../devices/service.js';
import { findDeviceByIdentifier } from '../devices/repository.js';
import { DomainError } from '../errors.js';
import { newId } from '../ids.js';
import { endAssignment, findActiveLinkByEmail, insertAssignmentIfAbsent, lastPosition, lockCustomer } from './repository.js';

const byCodeUnit = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Appends links of one customer, numbered after its existing ones; the customer's row must be locked. */
class LinkWriter {
  private next: number | undefined;
  constructor(
    private readonly db: Db,
    private readonly organizationId: string,
    private readonly customerId: string,
    private readonly now: string,
  ) {}

  /** Starts the link unless it is active already; returns whether it started. */
  async link(deviceId: string): Promise<boolean> {
    this.next ??= (await lastPosition(this.db, this.organizationId, this.customerId)) + 1;
    const started = await insertAssignmentIfAbsent(this.db, {
      id: newId(),
      organization_id: this.organizationId,
      device_id: deviceId,
      customer_id: this.customerId,
      assigned_at: this.now,
      unassigned_at: null,
      position: this.next,
    });
    if (started) this.next += 1;
    return started;
  }
}

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
    const customers = new Map<string, { customerId: string; wasCreated: boolean }>();
    for (const email of [...input.emails].sort(byCodeUnit)) {
      customers.set(email, await ensureLockedCustomer(trx, dialect, organizationId, email, now));
    }
    const device = await ensureDevice(trx, organizationId, input.deviceIdentifier, input.createWithType, now);
    if (!device) throw new DomainError({ code: 'device_not_found' });

    const linked = new Map<string, boolean>();
    for (const [email, customer] of [...customers].sort(([a], [b]) => byCodeUnit(a, b))) {
      linked.set(email, await new LinkWriter(trx, organizationId, customer.customerId, now).link(device.deviceId));
    }
    return {
      deviceId: device.deviceId,
      deviceWasCreated: device.wasCreated,
      customers: input.emails.map((email) => ({ email, ...customers.get(email)!, linked: linked.get(email)! })),
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
  let deviceId: string | undefined;
  const customers: AssignToOwnersResult['customers'] = [];
  for (const email of input.emails) {
    const link = await findActiveLinkByEmail(db, organizationId, input.deviceIdentifier, email);
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
    const devices = new Map<string, { deviceId: string; wasCreated: boolean }>();
    for (const identifier of [...input.deviceIdentifiers].sort(byCodeUnit)) {
      const device = await ensureDevice(trx, organizationId, identifier, input.createWithType, now);
      if (device) devices.set(identifier, device);
    }
    const result: AssignDevicesResult = {
      customerId: customer.customerId,
      customerWasCreated: customer.wasCreated,
      assigned: [],
      alreadyAssigned: [],
      skipped: [],
    };
    const links = new LinkWriter(trx, organizationId, customer.customerId, now);
    for (const identifier of input.deviceIdentifiers) {
      const device = devices.get(identifier);
      if (!device) {
        result.skipped.push(identifier);
      } else if (await links.link(device.deviceId)) {
        result.assigned.push({ identifier, ...device });
      } else {
        result.alreadyAssigned.push({ identifier, deviceId: device.deviceId, wasCreated: false });
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
    const result: UnassignResult = { customerId: customer.id, unassigned: [], skipped: [], devicesRemaining: [] };
    for (const identifier of input.deviceIdentifiers) {
      if (await endAssignment(trx, organizationId, customer.id, identifier, now)) {
        result.unassigned.push(identifier);
      } else if (input.requireAll) {
        throw new DomainError({
          code: 'device_not_assigned',
          customerId: customer.id,
          deviceIdentifier: identifier,
          currentDevices: await activeDeviceIdentifiers(trx, dialect, organizationId, customer.id),
        });
      } else {
        result.skipped.push(identifier);
      }
    }
    result.devicesRemaining = await activeDeviceIdentifiers(trx, dialect, organizationId, customer.id);
    return result;
  });
}
