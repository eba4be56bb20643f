import assert from 'node:assert/strict';
import { it } from 'node:test';
import { describeEachDialect } from '../../support/harness.js';

const DEVICE_NOT_FOUND =
  'Device not found with the provided identifier. Set autoCreateDevice to true to create it automatically.';
const TYPE_REQUIRED = 'deviceType is required when creating a new device';
const CUSTOMER_NOT_FOUND = 'Customer not found for this organization';

type Body = Record<string, unknown>;

describeEachDialect('ext-v1 device assignments', (h) => {
  async function post(apiKey: string, path: string, body: unknown) {
    const res = await h.extPost(path, apiKey, body);
    return { status: res.statusCode, body: res.json() as Body };
  }
  const toOwners = (apiKey: string, body: unknown) => post(apiKey, '/deviceAssignment/assignDeviceToOwners', body);
  const toOwner = (apiKey: string, body: unknown) => post(apiKey, '/deviceAssignment/assignDevicesToOwner', body);
  const unassignOne = (apiKey: string, body: unknown) => post(apiKey, '/deviceAssignment/unassignDeviceFromOwner', body);
  const unassignMany = (apiKey: string, body: unknown) => post(apiKey, '/deviceAssignment/unassignDevicesFromOwner', body);
  const createDevice = (apiKey: string, identifier: string) => post(apiKey, '/device', { identifier, type: 'thermostat' });

  async function devicesOf(apiKey: string, email: string): Promise<string[]> {
    const res = await post(apiKey, '/customer/queryCustomer', { email });
    assert.equal(res.status, 200, `customer ${email}`);
    return res.body.devices as string[];
  }

  async function countRows(table: 'customers' | 'devices' | 'assignments', organizationId: string): Promise<number> {
    const rows = await h.database.db.selectFrom(table).select('id').where('organization_id', '=', organizationId).execute();
    return rows.length;
  }

  /** The assignments table as history: every link of the customer, oldest first. */
  async function historyOf(organizationId: string, email: string) {
    return h.database.db
      .selectFrom('assignments')
      .innerJoin('devices', 'devices.id', 'assignments.device_id')
      .innerJoin('customers', 'customers.id', 'assignments.customer_id')
      .select(['devices.identifier', 'assignments.assigned_at', 'assignments.unassigned_at'])
      .where('assignments.organization_id', '=', organizationId)
      .where('customers.email', '=', email)
      .orderBy('assignments.position')
      .execute();
  }

  // ---- assignDeviceToOwners ----

  it('assigns a device to several owners, creating missing customers and the device', async () => {
    const { apiKey, organizationId } = await h.newOrg();
    const existing = (await post(apiKey, '/customer/createOrUpdateCustomer', { email: 'dad@example.com', name: 'Dad' })).body
      .telemetronCustomerId;
    const res = await toOwners(apiKey, {
      deviceIdentifier: ' SN-FAMILY ',
      customerEmails: ['Mum@Example.com', 'dad@example.com', 'not-an-email', '', 42, ' MUM@example.com ', 'kid@example.com'],
      autoCreateDevice: true,
      deviceType: 'doorbell',
    });
    assert.equal(res.status, 200);
    const customers = res.body.assignedCustomers as Array<{ email: string; customerId: string; wasCreated: boolean }>;
    assert.deepEqual(res.body, {
      success: true,
      message: 'Successfully assigned device to 3 customer(s)',
      deviceId: res.body.deviceId,
      deviceWasCreated: true,
      assignedCustomers: [
        { email: 'mum@example.com', customerId: customers[0]!.customerId, wasCreated: true },
        { email: 'dad@example.com', customerId: existing, wasCreated: false },
        { email: 'kid@example.com', customerId: customers[2]!.customerId, wasCreated: true },
      ],
    });
    const mum = await post(apiKey, '/customer/queryCustomer', { email: 'mum@example.com' });
    assert.equal(mum.body.name, 'mum');
    assert.deepEqual(mum.body.devices, ['SN-FAMILY']);
    assert.deepEqual(await devicesOf(apiKey, 'dad@example.com'), ['SN-FAMILY']);
    const device = await h.database.db.selectFrom('devices').selectAll().where('id', '=', res.body.deviceId as string).executeTakeFirst();
    assert.equal(device?.type, 'doorbell');
    assert.equal(device?.identifier, 'SN-FAMILY');
    assert.equal(await countRows('assignments', organizationId), 3);
  });

  it('only adds owners, and re-assigning a pair writes no second link', async () => {
    const { apiKey, organizationId } = await h.newOrg();
    const deviceId = (await createDevice(apiKey, 'SN-1')).body.deviceId;
    await toOwners(apiKey, { deviceIdentifier: 'SN-1', customerEmails: ['a@example.com'] });
    const again = await toOwners(apiKey, { deviceIdentifier: 'SN-1', customerEmails: ['b@example.com', 'a@example.com'] });
    assert.equal(again.status, 200);
    assert.equal(again.body.deviceId, deviceId);
    assert.equal(again.body.deviceWasCreated, false);
    assert.equal(again.body.message, 'Successfully assigned device to 2 customer(s)');
    assert.deepEqual(
      (again.body.assignedCustomers as Body[]).map((c) => [c.email, c.wasCreated]),
      [
        ['b@example.com', true],
        ['a@example.com', false],
      ],
    );
    assert.deepEqual(await devicesOf(apiKey, 'a@example.com'), ['SN-1']);
    assert.deepEqual(await devicesOf(apiKey, 'b@example.com'), ['SN-1']);
    assert.equal(await countRows('assignments', organizationId), 2);
  });

  it('answers a repeat of an assignment already in place exactly as the first, writing nothing', async () => {
    const { apiKey, organizationId } = await h.newOrg();
    const body = { deviceIdentifier: 'SN-1', customerEmails: ['b@example.com', 'a@example.com'], autoCreateDevice: true, deviceType: 'sensor' };
    const first = await toOwners(apiKey, body);
    assert.equal(first.status, 200);
    const repeat = await toOwners(apiKey, { ...body, customerEmails: [' B@Example.com', 'a@example.com'] });
    assert.deepEqual(repeat, {
      status: 200,
      body: {
        success: true,
        message: 'Successfully assigned device to 2 customer(s)',
        deviceId: first.body.deviceId,
        deviceWasCreated: false,
        assignedCustomers: (first.body.assignedCustomers as Body[]).map((c) => ({ ...c, wasCreated: false })),
      },
    });
    assert.equal(await countRows('assignments', organizationId), 2);

    // Once one of the links has ended, a repeat starts a new one: only "all linked" is answered without writing.
    await unassignOne(apiKey, { deviceIdentifier: 'SN-1', customerEmail: 'a@example.com' });
    assert.equal((await toOwners(apiKey, body)).status, 200);
    assert.deepEqual(await devicesOf(apiKey, 'a@example.com'), ['SN-1']);
    assert.equal(await countRows('assignments', organizationId), 3);
  });

  it('answers 404 for an unknown device without autoCreateDevice, creating nothing', async () => {
    const { apiKey, organizationId } = await h.newOrg();
    for (const autoCreateDevice of [undefined, false]) {
      const res = await toOwners(apiKey, { deviceIdentifier: 'NOPE', customerEmails: ['new@example.com'], autoCreateDevice });
      assert.equal(res.status, 404);
      assert.equal(res.body.error, DEVICE_NOT_FOUND);
    }
    assert.equal(await countRows('customers', organizationId), 0);
    assert.equal(await countRows('devices', organizationId), 0);
  });

  it('validates assignDeviceToOwners with the exact messages, deviceType up front', async () => {
    const { apiKey, organizationId } = await h.newOrg();
    await createDevice(apiKey, 'SN-1');
    const cases: Array<[Body, string]> = [
      [{ customerEmails: ['a@example.com'] }, 'deviceIdentifier is required'],
      [{ deviceIdentifier: '  ', customerEmails: ['a@example.com'] }, 'deviceIdentifier is required'],
      [{ deviceIdentifier: 'SN-1' }, 'customerEmails must be a non-empty array'],
      [{ deviceIdentifier: 'SN-1', customerEmails: [] }, 'customerEmails must be a non-empty array'],
      [{ deviceIdentifier: 'SN-1', customerEmails: 'a@example.com' }, 'customerEmails must be a non-empty array'],
      [{ deviceIdentifier: 'SN-1', customerEmails: ['', 'nope', 7, null] }, 'No valid customer emails provided'],
      // Even for a device that exists: the check is up front.
      [{ deviceIdentifier: 'SN-1', customerEmails: ['a@example.com'], autoCreateDevice: true }, TYPE_REQUIRED],
      [{ deviceIdentifier: 'SN-1', customerEmails: ['a@example.com'], autoCreateDevice: true, deviceType: ' ' }, TYPE_REQUIRED],
    ];
    for (const [body, error] of cases) {
      const res = await toOwners(apiKey, body);
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.equal(res.body.error, error, JSON.stringify(body));
    }
    assert.equal(await countRows('customers', organizationId), 0);
    const notJson = await h.request({
      method: 'POST',
      url: '/api/ext-v1/deviceAssignment/assignDeviceToOwners',
      headers: { 'x-api-key': apiKey },
      body: '[1]',
    });
    assert.equal(notJson.statusCode, 400);
    assert.equal(notJson.json().error, 'Invalid JSON payload');
  });

  it('survives 20 identical parallel assignDeviceToOwners: one customer, one device, one link, one creator', async () => {
    const { apiKey, organizationId } = await h.newOrg();
    const body = { deviceIdentifier: 'SN-RACE', customerEmails: ['Racer@example.com'], autoCreateDevice: true, deviceType: 't' };
    const results = await Promise.all(Array.from({ length: 20 }, () => toOwners(apiKey, body)));
    for (const r of results) assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(results.filter((r) => r.body.deviceWasCreated === true).length, 1);
    const customers = results.map((r) => (r.body.assignedCustomers as Body[])[0]!);
    assert.equal(customers.filter((c) => c.wasCreated === true).length, 1);
    assert.equal(new Set(customers.map((c) => c.customerId)).size, 1);
    assert.equal(new Set(results.map((r) => r.body.deviceId)).size, 1);
    assert.equal(await countRows('customers', organizationId), 1);
    assert.equal(await countRows('devices', organizationId), 1);
    assert.equal(await countRows('assignments', organizationId), 1);
    assert.deepEqual(await devicesOf(apiKey, 'racer@example.com'), ['SN-RACE']);
  });

  // ---- assignDevicesToOwner ----

  it('sorts identifiers into assignedDevices, alreadyAssigned and skipped, listing them in request order', async () => {
    const { apiKey } = await h.newOrg();
    const old = (await createDevice(apiKey, 'OLD')).body.deviceId;
    const linked = (await createDevice(apiKey, 'LINKED')).body.deviceId;
    await toOwner(apiKey, { customerEmail: 'owner@example.com', deviceIdentifiers: ['LINKED'] });

    const res = await toOwner(apiKey, {
      customerEmail: ' Owner@Example.com ',
      deviceIdentifiers: ['Z-NEW', ' OLD ', 'LINKED', 'UNKNOWN', 7, '', 'OLD', 'A-NEW'],
      autoCreateDevices: true,
      deviceType: 'sensor',
    });
    assert.equal(res.status, 200);
    const assigned = res.body.assignedDevices as Body[];
    assert.deepEqual(res.body, {
      success: true,
      message: 'Successfully assigned 5 device(s) to customer',
      customerId: res.body.customerId,
      customerWasCreated: false,
      assignedDevices: [
        { identifier: 'Z-NEW', deviceId: assigned[0]!.deviceId, wasCreated: true },
        { identifier: 'OLD', deviceId: old, wasCreated: false },
        { identifier: 'UNKNOWN', deviceId: assigned[2]!.deviceId, wasCreated: true },
        { identifier: 'A-NEW', deviceId: assigned[3]!.deviceId, wasCreated: true },
      ],
      alreadyAssigned: [{ identifier: 'LINKED', deviceId: linked, wasCreated: false }],
      skipped: [],
    });
    // Links made by one request, in the same millisecond, list in request order after the older ones.
    assert.deepEqual(await devicesOf(apiKey, 'owner@example.com'), ['LINKED', 'Z-NEW', 'OLD', 'UNKNOWN', 'A-NEW']);

    const noCreate = await toOwner(apiKey, { customerEmail: 'new@example.com', deviceIdentifiers: ['OLD', 'GHOST', 'Z-NEW'] });
    assert.equal(noCreate.status, 200);
    assert.equal(noCreate.body.customerWasCreated, true);
    assert.equal(noCreate.body.message, 'Successfully assigned 2 device(s) to customer');
    assert.deepEqual(noCreate.body.skipped, ['GHOST']);
    assert.deepEqual((noCreate.body.assignedDevices as Body[]).map((d) => d.identifier), ['OLD', 'Z-NEW']);
    assert.deepEqual(await devicesOf(apiKey, 'new@example.com'), ['OLD', 'Z-NEW']);

    const allSkipped = await toOwner(apiKey, { customerEmail: 'new@example.com', deviceIdentifiers: ['GHOST'] });
    assert.equal(allSkipped.status, 200);
    assert.equal(allSkipped.body.message, 'Successfully assigned 0 device(s) to customer');
  });

  it('keeps request order for many links created at once', async () => {
    const { apiKey } = await h.newOrg();
    const identifiers = Array.from({ length: 60 }, (_, i) => `SN-${(i * 37) % 60}-${i % 7}`);
    const res = await toOwner(apiKey, {
      customerEmail: 'bulk@example.com',
      deviceIdentifiers: identifiers,
      autoCreateDevices: true,
      deviceType: 't',
    });
    assert.equal(res.status, 200);
    assert.deepEqual(await devicesOf(apiKey, 'bulk@example.com'), identifiers);
  });

  it('validates assignDevicesToOwner with the exact messages', async () => {
    const { apiKey, organizationId } = await h.newOrg();
    const cases: Array<[Body, string]> = [
      [{ deviceIdentifiers: ['A'] }, 'Email is required'],
      [{ customerEmail: 'not-an-email', deviceIdentifiers: ['A'] }, 'Invalid email format'],
      [{ customerEmail: 'a@example.com' }, 'deviceIdentifiers must be a non-empty array'],
      [{ customerEmail: 'a@example.com', deviceIdentifiers: [] }, 'deviceIdentifiers must be a non-empty array'],
      [{ customerEmail: 'a@example.com', deviceIdentifiers: 'A' }, 'deviceIdentifiers must be a non-empty array'],
      [{ customerEmail: 'a@example.com', deviceIdentifiers: ['', '  ', 3, null] }, 'No valid device identifiers provided'],
      [{ customerEmail: 'a@example.com', deviceIdentifiers: ['A'], autoCreateDevices: true }, TYPE_REQUIRED],
    ];
    for (const [body, error] of cases) {
      const res = await toOwner(apiKey, body);
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.equal(res.body.error, error, JSON.stringify(body));
    }
    assert.equal(await countRows('customers', organizationId), 0);
    assert.equal(await countRows('devices', organizationId), 0);
  });

  it('survives 20 identical parallel assignDevicesToOwner: one customer, one device per identifier, one link each', async () => {
    const { apiKey, organizationId } = await h.newOrg();
    const body = { customerEmail: 'bulk-racer@example.com', deviceIdentifiers: ['R-2', 'R-1', 'R-3'], autoCreateDevices: true, deviceType: 't' };
    const results = await Promise.all(Array.from({ length: 20 }, () => toOwner(apiKey, body)));
    for (const r of results) assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(results.filter((r) => r.body.customerWasCreated === true).length, 1);
    assert.equal(new Set(results.map((r) => r.body.customerId)).size, 1);
    for (const identifier of ['R-1', 'R-2', 'R-3']) {
      const entries = results.flatMap((r) =>
        [...(r.body.assignedDevices as Body[]), ...(r.body.alreadyAssigned as Body[])].filter((d) => d.identifier === identifier),
      );
      assert.equal(entries.length, 20, identifier);
      assert.equal(entries.filter((d) => d.wasCreated === true).length, 1, identifier);
      assert.equal(new Set(entries.map((d) => d.deviceId)).size, 1, identifier);
    }
    const newlyLinked = results.flatMap((r) => r.body.assignedDevices as Body[]);
    assert.equal(newlyLinked.length, 3);
    assert.equal(await countRows('customers', organizationId), 1);
    assert.equal(await countRows('devices', organizationId), 3);
    assert.equal(await countRows('assignments', organizationId), 3);
    assert.deepEqual(await devicesOf(apiKey, 'bulk-racer@example.com'), ['R-2', 'R-1', 'R-3']);
  });

  // ---- unassign ----

  it('unassigns one device, and answers 400 with currentDevices when it is not assigned', async () => {
    const { apiKey, organizationId } = await h.newOrg();
    await toOwner(apiKey, { customerEmail: 'u@example.com', deviceIdentifiers: ['U-1', 'U-2', 'U-3'], autoCreateDevices: true, deviceType: 't' });
    await createDevice(apiKey, 'OTHER');
    const res = await unassignOne(apiKey, { deviceIdentifier: ' U-2 ', customerEmail: 'U@example.com' });
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, {
      success: true,
      message: 'Device successfully unassigned from customer',
      customerId: res.body.customerId,
      deviceIdentifier: 'U-2',
      devicesRemaining: ['U-1', 'U-3'],
    });
    for (const deviceIdentifier of ['U-2', 'OTHER', 'NEVER-EXISTED']) {
      const again = await unassignOne(apiKey, { deviceIdentifier, customerEmail: 'u@example.com' });
      assert.equal(again.status, 400, deviceIdentifier);
      assert.deepEqual(again.body, {
        error: 'Device is not assigned to this customer',
        customerId: res.body.customerId,
        deviceIdentifier,
        currentDevices: ['U-1', 'U-3'],
        requestId: again.body.requestId,
      });
    }
    assert.equal(await countRows('assignments', organizationId), 3, 'links are ended, never deleted');
  });

  it('validates unassignDeviceFromOwner and never creates a customer', async () => {
    const { apiKey, organizationId } = await h.newOrg();
    await createDevice(apiKey, 'SN-1');
    const cases: Array<[Body, number, string]> = [
      [{ customerEmail: 'a@example.com' }, 400, 'deviceIdentifier is required'],
      [{ deviceIdentifier: 'SN-1' }, 400, 'Email is required'],
      [{ deviceIdentifier: 'SN-1', customerEmail: 'bad email@example.com' }, 400, 'Invalid email format'],
      [{ deviceIdentifier: 'SN-1', customerEmail: 'ghost@example.com' }, 404, CUSTOMER_NOT_FOUND],
    ];
    for (const [body, status, error] of cases) {
      const res = await unassignOne(apiKey, body);
      assert.equal(res.status, status, JSON.stringify(body));
      assert.equal(res.body.error, error, JSON.stringify(body));
    }
    assert.equal(await countRows('customers', organizationId), 0);
  });

  it('unassigns in bulk, skipping devices that are not assigned instead of failing', async () => {
    const { apiKey } = await h.newOrg();
    await toOwner(apiKey, { customerEmail: 'm@example.com', deviceIdentifiers: ['M-1', 'M-2', 'M-3'], autoCreateDevices: true, deviceType: 't' });
    await createDevice(apiKey, 'NOT-MINE');
    const res = await unassignMany(apiKey, {
      customerEmail: 'M@example.com',
      deviceIdentifiers: ['M-3', 'NOT-MINE', ' M-1 ', 'GHOST', 'M-3'],
    });
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, {
      success: true,
      message: 'Successfully unassigned 2 device(s) from customer',
      customerId: res.body.customerId,
      unassignedDevices: ['M-3', 'M-1'],
      skipped: ['NOT-MINE', 'GHOST'],
      devicesRemaining: ['M-2'],
    });
    const none = await unassignMany(apiKey, { customerEmail: 'm@example.com', deviceIdentifiers: ['M-1'] });
    assert.equal(none.status, 200);
    assert.equal(none.body.message, 'Successfully unassigned 0 device(s) from customer');
    assert.deepEqual(none.body.skipped, ['M-1']);
    assert.deepEqual(none.body.devicesRemaining, ['M-2']);

    const cases: Array<[Body, number, string]> = [
      [{ deviceIdentifiers: ['M-2'] }, 400, 'Email is required'],
      [{ customerEmail: 'nope', deviceIdentifiers: ['M-2'] }, 400, 'Invalid email format'],
      [{ customerEmail: 'm@example.com' }, 400, 'deviceIdentifiers must be a non-empty array'],
      [{ customerEmail: 'm@example.com', deviceIdentifiers: [] }, 400, 'deviceIdentifiers must be a non-empty array'],
      [{ customerEmail: 'm@example.com', deviceIdentifiers: [' '] }, 400, 'No valid device identifiers provided'],
      [{ customerEmail: 'ghost@example.com', deviceIdentifiers: ['M-2'] }, 404, CUSTOMER_NOT_FOUND],
    ];
    for (const [body, status, error] of cases) {
      const bad = await unassignMany(apiKey, body);
      assert.equal(bad.status, status, JSON.stringify(body));
      assert.equal(bad.body.error, error, JSON.stringify(body));
    }
    assert.deepEqual(await devicesOf(apiKey, 'm@example.com'), ['M-2']);
  });

  it('keeps history across unassign and re-assign: a new link starts and lists as the newest', async () => {
    const { apiKey, organizationId } = await h.newOrg();
    await toOwner(apiKey, { customerEmail: 'h@example.com', deviceIdentifiers: ['H-1', 'H-2'], autoCreateDevices: true, deviceType: 't' });
    h.clock.advance(1000);
    await unassignOne(apiKey, { deviceIdentifier: 'H-1', customerEmail: 'h@example.com' });
    assert.deepEqual(await devicesOf(apiKey, 'h@example.com'), ['H-2']);
    h.clock.advance(1000);
    const again = await toOwners(apiKey, { deviceIdentifier: 'H-1', customerEmails: ['h@example.com'] });
    assert.equal(again.status, 200);
    assert.deepEqual(await devicesOf(apiKey, 'h@example.com'), ['H-2', 'H-1']);

    const history = await historyOf(organizationId, 'h@example.com');
    assert.deepEqual(
      history.map((l) => [l.identifier, l.unassigned_at === null]),
      [
        ['H-1', false],
        ['H-2', true],
        ['H-1', true],
      ],
    );
    const [first, second, third] = history;
    assert.equal(first!.assigned_at, second!.assigned_at);
    assert.ok(first!.unassigned_at! > first!.assigned_at, 'the first link ended after it began');
    assert.ok(third!.assigned_at > first!.unassigned_at!, 'the new link began after the old one ended');
  });

  it('transfers a device to a new owner by unassign then assign', async () => {
    const { apiKey } = await h.newOrg();
    await toOwners(apiKey, { deviceIdentifier: 'T-1', customerEmails: ['seller@example.com'], autoCreateDevice: true, deviceType: 't' });
    const out = await unassignOne(apiKey, { deviceIdentifier: 'T-1', customerEmail: 'seller@example.com' });
    assert.deepEqual(out.body.devicesRemaining, []);
    const into = await toOwners(apiKey, { deviceIdentifier: 'T-1', customerEmails: ['buyer@example.com'] });
    assert.equal(into.status, 200);
    assert.equal(into.body.deviceWasCreated, false);
    assert.deepEqual(await devicesOf(apiKey, 'seller@example.com'), []);
    assert.deepEqual(await devicesOf(apiKey, 'buyer@example.com'), ['T-1']);
  });

  // ---- shared ----

  it('refuses device identifiers longer than 255 characters on every assignment route', async () => {
    const { apiKey, organizationId } = await h.newOrg();
    const long = 'L'.repeat(256);
    const cases: Array<[typeof toOwners, Body, string]> = [
      [toOwners, { deviceIdentifier: long, customerEmails: ['a@example.com'], autoCreateDevice: true, deviceType: 't' }, 'deviceIdentifier must be at most 255 characters'],
      [toOwner, { customerEmail: 'a@example.com', deviceIdentifiers: ['OK', long], autoCreateDevices: true, deviceType: 't' }, 'deviceIdentifiers entries must be at most 255 characters'],
      [unassignOne, { deviceIdentifier: long, customerEmail: 'a@example.com' }, 'deviceIdentifier must be at most 255 characters'],
      [unassignMany, { customerEmail: 'a@example.com', deviceIdentifiers: [long] }, 'deviceIdentifiers entries must be at most 255 characters'],
    ];
    for (const [call, body, error] of cases) {
      const res = await call(apiKey, body);
      assert.equal(res.status, 400, error);
      assert.equal(res.body.error, error);
    }
    assert.equal(await countRows('customers', organizationId), 0);
    assert.equal(await countRows('devices', organizationId), 0);
  });

  it('answers 401 without a valid key and 405 for a wrong method on every assignment route', async () => {
    const { apiKey } = await h.newOrg();
    for (const name of ['assignDeviceToOwners', 'assignDevicesToOwner', 'unassignDeviceFromOwner', 'unassignDevicesFromOwner']) {
      const path = `/deviceAssignment/${name}`;
      for (const key of [undefined, 'nope']) {
        const res = await h.extPost(path, key, '{not json');
        assert.equal(res.statusCode, 401, path);
        assert.equal(res.json().error, 'Invalid or missing API key');
      }
      const wrong = await h.extGet(path, apiKey);
      assert.equal(wrong.statusCode, 405, path);
      assert.equal(wrong.json().error, 'Method not allowed');
    }
  });

  it('lists the assignment routes in the OpenAPI document', async () => {
    const doc = (await h.request({ method: 'GET', url: '/openapi.json' })).json();
    for (const name of ['assignDeviceToOwners', 'assignDevicesToOwner', 'unassignDeviceFromOwner', 'unassignDevicesFromOwner']) {
      assert.ok(doc.paths[`/api/ext-v1/deviceAssignment/${name}`].post, name);
    }
  });

  it("never lets another organization's key see or change links", async () => {
    const owner = await h.newOrg('Owner');
    const other = await h.newOrg('Other');
    await toOwner(owner.apiKey, { customerEmail: 'own@example.com', deviceIdentifiers: ['O-1', 'O-2'], autoCreateDevices: true, deviceType: 't' });

    // The owner's device does not exist for the other organization.
    const foreignDevice = await toOwners(other.apiKey, { deviceIdentifier: 'O-1', customerEmails: ['own@example.com'] });
    assert.equal(foreignDevice.status, 404);
    assert.equal(foreignDevice.body.error, DEVICE_NOT_FOUND);

    // Nor its customer: unassign answers 404, single and bulk.
    const one = await unassignOne(other.apiKey, { deviceIdentifier: 'O-1', customerEmail: 'own@example.com' });
    assert.equal(one.status, 404);
    assert.equal(one.body.error, CUSTOMER_NOT_FOUND);
    const many = await unassignMany(other.apiKey, { customerEmail: 'own@example.com', deviceIdentifiers: ['O-1', 'O-2'] });
    assert.equal(many.status, 404);
    assert.equal(many.body.error, CUSTOMER_NOT_FOUND);

    // Bulk assign without auto-create skips the foreign identifiers and makes its own customer.
    const bulk = await toOwner(other.apiKey, { customerEmail: 'own@example.com', deviceIdentifiers: ['O-1'] });
    assert.equal(bulk.status, 200);
    assert.equal(bulk.body.customerWasCreated, true);
    assert.deepEqual(bulk.body.skipped, ['O-1']);

    // Auto-create makes the other organization its own device with the same identifier.
    const own = await toOwners(other.apiKey, { deviceIdentifier: 'O-1', customerEmails: ['own@example.com'], autoCreateDevice: true, deviceType: 'x' });
    assert.equal(own.status, 200);
    assert.equal(own.body.deviceWasCreated, true);
    const removed = await unassignOne(other.apiKey, { deviceIdentifier: 'O-1', customerEmail: 'own@example.com' });
    assert.equal(removed.status, 200);

    assert.deepEqual(await devicesOf(owner.apiKey, 'own@example.com'), ['O-1', 'O-2']);
    assert.equal(await countRows('customers', owner.organizationId), 1);
    assert.equal(await countRows('devices', owner.organizationId), 2);
    assert.deepEqual(
      (await historyOf(owner.organizationId, 'own@example.com')).map((l) => l.unassigned_at),
      [null, null],
    );
  });
});
