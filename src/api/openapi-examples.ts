// One example request body per endpoint, for the OpenAPI document: what the interactive reference (/docs) fills in
// for "Try it out". Kept here, by method and URL, rather than in each route's schema, so that a route file stays
// about its behaviour. Each example must be a request the endpoint accepts (test/api/openapi.test.ts sends them).

export const REQUEST_EXAMPLES: Readonly<Record<string, Readonly<Record<string, unknown>>>> = {
  'POST /api/ext-v1/customer/createOrUpdateCustomer': {
    email: 'john.doe@example.com',
    name: 'John Doe',
    phone: '+1234567890',
    address: '123 Main St, City, State 12345',
  },
  'POST /api/ext-v1/customer/queryCustomer': { email: 'john.doe@example.com' },
  'POST /api/ext-v1/device': { identifier: 'SN-12345-ABCDE', type: 'thermostat', properties: { firmware: '2.1.0' } },
  'POST /api/ext-v1/device/bulk-metadata': {
    devices: { 'SN-12345-ABCDE': { firmware: '2.1.0', site: 'Kitchen' }, 'SN-67890-FGHIJ': { firmware: '2.0.4' } },
  },
  'POST /api/ext-v1/deviceAssignment/assignDeviceToOwners': {
    deviceIdentifier: 'SN-12345-ABCDE',
    customerEmails: ['john.doe@example.com', 'jane.doe@example.com'],
    autoCreateDevice: true,
    deviceType: 'thermostat',
  },
  'POST /api/ext-v1/deviceAssignment/assignDevicesToOwner': {
    customerEmail: 'john.doe@example.com',
    deviceIdentifiers: ['SN-12345-ABCDE', 'SN-67890-FGHIJ'],
    autoCreateDevices: true,
    deviceType: 'thermostat',
  },
  'POST /api/ext-v1/deviceAssignment/unassignDeviceFromOwner': { deviceIdentifier: 'SN-12345-ABCDE', customerEmail: 'john.doe@example.com' },
  'POST /api/ext-v1/deviceAssignment/unassignDevicesFromOwner': {
    customerEmail: 'john.doe@example.com',
    deviceIdentifiers: ['SN-12345-ABCDE', 'SN-67890-FGHIJ'],
  },
  // No customerId: it would win over customerEmail, and a made-up one is not found.
  'POST /api/ext-v1/ticket/createTicket': {
    title: 'Stopped charging overnight',
    description: 'It was at 100% last night and dead this morning.',
    priority: 'high',
    customerEmail: 'john.doe@example.com',
    messages: [{ role: 'customer', content: 'It was at 100% last night and dead this morning.' }],
  },
  'POST /api/v1/api-keys': { name: 'nightly sync' },
  'POST /api/v1/api-keys/:id/roll': { graceSeconds: 3600 },
  'POST /api/v1/tickets/:id/status': { status: 'in_progress' },
  'POST /api/v1/tickets/:id/replies': { content: 'A technician will call you today.' },
  'PATCH /api/v1/tickets/:id': { status: 'in_progress', priority: 'high', assigneeId: null },
  'POST /api/v1/tickets/:id/messages': { role: 'customer', content: 'It is working again, thank you.' },
  'POST /api/v1/telemetry': { ts: 1765000000000, values: { temperature: 21.5, door: 'closed' } },
  'POST /api/v1/telemetry/batch': {
    'SN-12345-ABCDE': [{ ts: 1765000000000, values: { temperature: 21.5 } }],
    'SN-67890-FGHIJ': { temperature: 19.0 },
  },
  'POST /api/v1/rules': {
    name: 'Overheating',
    deviceType: 'thermostat',
    severity: 'critical',
    condition: { kind: 'threshold', key: 'temperature', op: '>', value: 70, forSeconds: 600 },
    clear: { op: '<=', value: 65, forSeconds: 300 },
  },
  'PATCH /api/v1/rules/:id': { enabled: false },
  'POST /api/v1/webhooks': { url: 'https://support.acme.example/hooks/telemap', events: ['alert.opened', 'alert.cleared'], description: 'Support desk' },
  'PATCH /api/v1/webhooks/:id': { enabled: true },
  'POST /v2/integrations/customer': { CustomerName: 'Acme Devices', Email: 'ops@acme.example' },
  'POST /v2/integrations/token': { Id: '6f1c2b1e-4d3a-4f6e-9b8a-2c1d0e9f8a7b', Secret: 'tlms_…', Entity: 'customer' },
};
