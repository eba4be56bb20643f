// Every ext-v1 endpoint of the contract (docs/api/ext-v1.md), described once for the cross-cutting suites
// (security matrix, fuzzing): how to build a valid request for an organization, the fields its body knows, and
// how to aim it at another organization's record. An endpoint whose route is not registered yet is reported as
// absent by `isServed`, and the suites skip it by name.
import { randomUUID } from 'node:crypto';
import assert from 'node:assert/strict';
import type { Harness, TestOrg } from './harness.js';
import type { ExtRequest, ForeignCase } from './security-matrix.js';

export interface ExtEndpoint {
  name: string;
  method: 'GET' | 'POST';
  /** Route pattern under /api/ext-v1, as registered. */
  route: string;
  /** Body fields the contract names, for mutating valid bodies. */
  fields: string[];
  /** A valid request for `org` (setting up what it needs), unique to this call. */
  valid(h: Harness, org: TestOrg): Promise<ExtRequest>;
  foreign?: (h: Harness, owner: TestOrg) => Promise<ForeignCase>;
}

let counter = 0;
export const unique = (prefix: string) => `${prefix}-${process.pid}-${++counter}-${randomUUID().slice(0, 8)}`;
const email = () => `${unique('user')}@example.com`;

async function post(h: Harness, org: TestOrg, path: string, body: unknown) {
  const res = await h.extPost(path, org.apiKey, body);
  assert.equal(res.statusCode, 200, `${path}: ${res.body}`);
  return res.json() as Record<string, unknown>;
}

async function newCustomer(h: Harness, org: TestOrg, name = 'Original'): Promise<{ id: string; email: string }> {
  const address = email();
  const created = await post(h, org, '/customer/createOrUpdateCustomer', { email: address, name });
  return { id: created.telemetronCustomerId as string, email: address };
}

async function newDevice(h: Harness, org: TestOrg): Promise<string> {
  const identifier = unique('SN');
  await post(h, org, '/device', { identifier, type: 'sensor', properties: { v: 1 } });
  return identifier;
}

/** A new customer of `org` who owns a new device, for the endpoints that unassign. */
async function customerWithDevice(h: Harness, org: TestOrg): Promise<{ customer: { id: string; email: string }; device: string }> {
  const customer = await newCustomer(h, org);
  const device = await newDevice(h, org);
  await post(h, org, '/deviceAssignment/assignDeviceToOwners', { deviceIdentifier: device, customerEmails: [customer.email] });
  return { customer, device };
}

function customerUnchanged(h: Harness, owner: TestOrg, id: string) {
  return async () => {
    const record = await h.extGet(`/customer/getCustomer/${id}`, owner.apiKey);
    assert.equal(record.statusCode, 200);
    assert.equal(record.json().name, 'Original');
  };
}

export const EXT_V1_ENDPOINTS: ExtEndpoint[] = [
  {
    name: 'createOrUpdateCustomer',
    method: 'POST',
    route: '/customer/createOrUpdateCustomer',
    fields: ['email', 'name', 'phone', 'address', 'telemetronCustomerId', 'metadata'],
    valid: async () => ({
      method: 'POST',
      path: '/customer/createOrUpdateCustomer',
      body: { email: email(), name: 'Pat', phone: '+1', address: 'Main St', metadata: { tier: 'gold' } },
    }),
    foreign: async (h, owner) => {
      const customer = await newCustomer(h, owner);
      return {
        request: {
          method: 'POST',
          path: '/customer/createOrUpdateCustomer',
          body: { email: customer.email, telemetronCustomerId: customer.id, name: 'Hijack' },
        },
        unchanged: customerUnchanged(h, owner, customer.id),
      };
    },
  },
  {
    name: 'queryCustomer',
    method: 'POST',
    route: '/customer/queryCustomer',
    fields: ['email'],
    valid: async (h, org) => ({ method: 'POST', path: '/customer/queryCustomer', body: { email: (await newCustomer(h, org)).email } }),
    foreign: async (h, owner) => {
      const customer = await newCustomer(h, owner);
      return { request: { method: 'POST', path: '/customer/queryCustomer', body: { email: customer.email } } };
    },
  },
  {
    name: 'getCustomer',
    method: 'GET',
    route: '/customer/getCustomer/:telemetronCustomerId',
    fields: [],
    valid: async (h, org) => ({ method: 'GET', path: `/customer/getCustomer/${(await newCustomer(h, org)).id}` }),
    foreign: async (h, owner) => {
      const customer = await newCustomer(h, owner);
      return { request: { method: 'GET', path: `/customer/getCustomer/${customer.id}` } };
    },
  },
  {
    name: 'device',
    method: 'POST',
    route: '/device',
    fields: ['identifier', 'type', 'properties'],
    valid: async () => ({ method: 'POST', path: '/device', body: { identifier: unique('SN'), type: 'sensor', properties: { fw: '1.0' } } }),
    // Without a type, a device of another organization must not be found (and so cannot be updated).
    foreign: async (h, owner) => ({
      request: { method: 'POST', path: '/device', body: { identifier: await newDevice(h, owner), properties: { hijack: true } } },
    }),
  },
  {
    name: 'bulk-metadata',
    method: 'POST',
    route: '/device/bulk-metadata',
    fields: ['devices'],
    valid: async (h, org) => ({
      method: 'POST',
      path: '/device/bulk-metadata',
      body: { devices: { [await newDevice(h, org)]: { fw: '2.0' }, [unique('SN')]: {} } },
    }),
    foreign: async (h, owner) => ({
      request: { method: 'POST', path: '/device/bulk-metadata', body: { devices: { [await newDevice(h, owner)]: { hijack: true } } } },
    }),
  },
  {
    name: 'assignDeviceToOwners',
    method: 'POST',
    route: '/deviceAssignment/assignDeviceToOwners',
    fields: ['deviceIdentifier', 'customerEmails', 'autoCreateDevice', 'deviceType'],
    valid: async () => ({
      method: 'POST',
      path: '/deviceAssignment/assignDeviceToOwners',
      body: { deviceIdentifier: unique('SN'), customerEmails: [email(), email()], autoCreateDevice: true, deviceType: 'sensor' },
    }),
    foreign: async (h, owner) => ({
      request: {
        method: 'POST',
        path: '/deviceAssignment/assignDeviceToOwners',
        body: { deviceIdentifier: await newDevice(h, owner), customerEmails: [email()] },
      },
    }),
  },
  {
    name: 'assignDevicesToOwner',
    method: 'POST',
    route: '/deviceAssignment/assignDevicesToOwner',
    fields: ['customerEmail', 'deviceIdentifiers', 'autoCreateDevices', 'deviceType'],
    valid: async () => ({
      method: 'POST',
      path: '/deviceAssignment/assignDevicesToOwner',
      body: { customerEmail: email(), deviceIdentifiers: [unique('SN'), unique('SN')], autoCreateDevices: true, deviceType: 'sensor' },
    }),
    foreign: async (h, owner) => {
      const customer = await newCustomer(h, owner);
      return {
        request: {
          method: 'POST',
          path: '/deviceAssignment/assignDevicesToOwner',
          body: { customerEmail: customer.email, deviceIdentifiers: [await newDevice(h, owner)] },
        },
      };
    },
  },
  {
    name: 'unassignDeviceFromOwner',
    method: 'POST',
    route: '/deviceAssignment/unassignDeviceFromOwner',
    fields: ['deviceIdentifier', 'customerEmail'],
    valid: async (h, org) => {
      const { customer, device } = await customerWithDevice(h, org);
      return { method: 'POST', path: '/deviceAssignment/unassignDeviceFromOwner', body: { deviceIdentifier: device, customerEmail: customer.email } };
    },
    foreign: async (h, owner) => {
      const { customer, device } = await customerWithDevice(h, owner);
      return {
        request: { method: 'POST', path: '/deviceAssignment/unassignDeviceFromOwner', body: { deviceIdentifier: device, customerEmail: customer.email } },
        unchanged: async () => {
          const record = (await h.extGet(`/customer/getCustomer/${customer.id}`, owner.apiKey)).json();
          assert.deepEqual(record.devices, [device]);
        },
      };
    },
  },
  {
    name: 'unassignDevicesFromOwner',
    method: 'POST',
    route: '/deviceAssignment/unassignDevicesFromOwner',
    fields: ['customerEmail', 'deviceIdentifiers'],
    valid: async (h, org) => {
      const { customer, device } = await customerWithDevice(h, org);
      return { method: 'POST', path: '/deviceAssignment/unassignDevicesFromOwner', body: { customerEmail: customer.email, deviceIdentifiers: [device] } };
    },
    foreign: async (h, owner) => {
      const { customer, device } = await customerWithDevice(h, owner);
      return {
        request: { method: 'POST', path: '/deviceAssignment/unassignDevicesFromOwner', body: { customerEmail: customer.email, deviceIdentifiers: [device] } },
      };
    },
  },
  {
    name: 'createTicket',
    method: 'POST',
    route: '/ticket/createTicket',
    fields: ['title', 'description', 'priority', 'customerEmail', 'customerId', 'category', 'messages', 'deviceIdentifier'],
    valid: async () => ({
      method: 'POST',
      path: '/ticket/createTicket',
      body: { title: 'Sensor offline', description: 'No data since noon', priority: 'high', customerEmail: email(), messages: [{ role: 'customer', content: 'Help' }] },
    }),
    foreign: async (h, owner) => {
      const customer = await newCustomer(h, owner);
      return { request: { method: 'POST', path: '/ticket/createTicket', body: { title: 'Foreign', customerId: customer.id } } };
    },
  },
];

/** Whether the app serves this endpoint yet (routes land as their issues are merged). */
export function isServed(h: Harness, endpoint: ExtEndpoint): boolean {
  return h.app.hasRoute({ method: endpoint.method, url: `/api/ext-v1${endpoint.route}` });
}
