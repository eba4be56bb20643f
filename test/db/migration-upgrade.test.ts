// An operator upgrading from the release before device links had positions (migration 0002) starts the new server
// on a database full of links. Migration 0003 numbers them by (assigned_at, id), the order that release showed,
// history included; 0004 indexes the current ones. These tests build such a database, let the server's migrations
// run over it, and then go through the API: the lists read as before, and new links land after the old ones.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { Kysely } from 'kysely';
import { systemClock } from '../../src/clock.js';
import type { Database } from '../../src/db/connect.js';
import type { DialectName } from '../../src/db/dialect.js';
import type { AssignmentsTable, CustomersTable, DevicesTable } from '../../src/db/schema.js';
import { newId } from '../../src/domain/ids.js';
import { createOrganizationWithKey } from '../../src/domain/orgs/service.js';
import { describeEachDialect } from '../support/harness.js';

/**
 * The tables as they were at migration 0002: links had no position. Customers and devices are typed as they are
 * today, since no migration after 0002 changed them; one that does must spell out their 0002 shape here.
 */
interface Release0002Tables {
  customers: CustomersTable;
  devices: DevicesTable;
  assignments: Omit<AssignmentsTable, 'position'>;
}

interface SeededOrg {
  apiKey: string;
  organizationId: string;
  alice: string;
  bob: string;
}

const CREATED = '2026-01-01T00:00:00.000Z';

/**
 * Alice: SN-OLD (ended), then SN-C, then SN-A and SN-B made in the same millisecond, SN-B's link written first but
 * with the greater id. Bob shares SN-A, after SN-D.
 */
async function populate(database: Database): Promise<SeededOrg> {
  // Today's code writes the organization and its key: those tables are as 0002 left them. A later migration that
  // changes them would need their rows written here by hand, in 0002's shape, like the rest.
  const { organizationId, firstKey } = await createOrganizationWithKey({ database, clock: systemClock }, { name: 'Upgraded' });
  const db = database.db as unknown as Kysely<Release0002Tables>;
  const customer = (email: string, name: string) => ({
    id: newId(),
    organization_id: organizationId,
    email,
    name,
    phone: null,
    address: null,
    metadata: '{}',
    created_at: CREATED,
    updated_at: CREATED,
  });
  const alice = customer('alice@example.com', 'Alice');
  const bob = customer('bob@example.com', 'Bob');
  await db.insertInto('customers').values([alice, bob]).execute();

  const devices = Object.fromEntries(
    ['SN-OLD', 'SN-A', 'SN-B', 'SN-C', 'SN-D'].map((identifier) => [
      identifier,
      { id: newId(), organization_id: organizationId, identifier, type: 'sensor', metadata: '{}', created_at: CREATED, updated_at: CREATED },
    ]),
  );
  await db.insertInto('devices').values(Object.values(devices)).execute();

  const link = (id: string, owner: { id: string }, identifier: string, assignedAt: string, unassignedAt: string | null = null) => ({
    id,
    organization_id: organizationId,
    device_id: devices[identifier]!.id,
    customer_id: owner.id,
    assigned_at: assignedAt,
    unassigned_at: unassignedAt,
  });
  const sameMillisecond = '2026-03-01T00:00:00.000Z';
  // Link ids decide the tie; their first characters are random, so they are chosen here.
  const [first, second] = [`0${newId().slice(1)}`, `f${newId().slice(1)}`];
  await db
    .insertInto('assignments')
    .values([
      link(second, alice, 'SN-B', sameMillisecond),
      link(newId(), alice, 'SN-OLD', '2026-01-15T00:00:00.000Z', '2026-02-01T00:00:00.000Z'),
      link(first, alice, 'SN-A', sameMillisecond),
      link(newId(), alice, 'SN-C', '2026-02-15T00:00:00.000Z'),
      link(newId(), bob, 'SN-A', '2026-04-01T00:00:00.000Z'),
      link(newId(), bob, 'SN-D', '2026-03-15T00:00:00.000Z'),
    ])
    .execute();
  return { apiKey: firstKey.apiKey, organizationId, alice: alice.id, bob: bob.id };
}

/** Per dialect: one organization for the reads, one for the writes, so neither test sees the other's changes. */
const seeded = new Map<DialectName, SeededOrg[]>();

describeEachDialect(
  'upgrade of a populated database from release 0002',
  (h) => {
    it('lists every customer’s devices in the order the earlier release showed', async () => {
      const { apiKey, organizationId, alice, bob } = seeded.get(h.dialect)![0]!;
      const res = await h.extGet(`/customer/getCustomer/${alice}`, apiKey);
      assert.equal(res.statusCode, 200);
      assert.deepEqual(res.json(), {
        id: alice,
        organizationId,
        name: 'Alice',
        email: 'alice@example.com',
        phone: null,
        address: null,
        devices: ['SN-C', 'SN-A', 'SN-B'],
        orders: [],
        metadata: {},
        createdAt: CREATED,
        updatedAt: CREATED,
      });
      const byEmail = await h.extPost('/customer/queryCustomer', apiKey, { email: 'bob@example.com' });
      assert.equal(byEmail.statusCode, 200);
      assert.equal(byEmail.json().id, bob);
      assert.deepEqual(byEmail.json().devices, ['SN-D', 'SN-A']);

      // The ended link keeps its place in the numbering: history counts, as it does for links made since.
      const positions = await h.database.db
        .selectFrom('assignments')
        .innerJoin('devices', 'devices.id', 'assignments.device_id')
        .select(['devices.identifier', 'assignments.position'])
        .where('assignments.customer_id', '=', alice)
        .orderBy('assignments.position')
        .execute();
      assert.deepEqual(
        positions.map((p) => [p.identifier, Number(p.position)]),
        [['SN-OLD', 1], ['SN-C', 2], ['SN-A', 3], ['SN-B', 4]],
      );
    });

    it('puts links made after the upgrade after the existing ones', async () => {
      const { apiKey, alice } = seeded.get(h.dialect)![1]!;
      const assigned = await h.extPost('/deviceAssignment/assignDeviceToOwners', apiKey, {
        deviceIdentifier: 'SN-D',
        customerEmails: ['alice@example.com'],
      });
      assert.equal(assigned.statusCode, 200);
      assert.deepEqual(assigned.json().assignedCustomers, [{ email: 'alice@example.com', customerId: alice, wasCreated: false }]);

      const unassigned = await h.extPost('/deviceAssignment/unassignDeviceFromOwner', apiKey, {
        deviceIdentifier: 'SN-A',
        customerEmail: 'alice@example.com',
      });
      assert.equal(unassigned.statusCode, 200);
      assert.deepEqual(unassigned.json(), {
        success: true,
        message: 'Device successfully unassigned from customer',
        customerId: alice,
        deviceIdentifier: 'SN-A',
        devicesRemaining: ['SN-C', 'SN-B', 'SN-D'],
      });

      const again = await h.extPost('/deviceAssignment/assignDevicesToOwner', apiKey, {
        customerEmail: 'alice@example.com',
        deviceIdentifiers: ['SN-A', 'SN-OLD'],
      });
      assert.equal(again.statusCode, 200);
      const record = (await h.extGet(`/customer/getCustomer/${alice}`, apiKey)).json();
      assert.deepEqual(record.devices, ['SN-C', 'SN-B', 'SN-D', 'SN-A', 'SN-OLD']);
    });
  },
  {
    upgradeFrom: {
      migration: '0002_dashboard_users',
      populate: async (database) => {
        seeded.set(database.dialect.name, [await populate(database), await populate(database)]);
      },
    },
  },
);
