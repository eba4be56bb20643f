// POST /api/mcp through the official SDK's client over Streamable HTTP, against a listening server, on both
// databases: the handshake, the tool list, every tool on data made through ext-v1, tenancy, and the failures.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { before, it } from 'node:test';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { describeEachDialect } from '../../support/harness.js';
import { unique } from '../../support/ext-v1-endpoints.js';
import {
  call,
  callFails,
  callOk,
  connectClient,
  httpTransport,
  makeWorld,
  READ_ONLY_TOOLS,
  textOf,
  WRITE_TOOLS,
} from '../../support/mcp.js';

const ACCEPT = 'application/json, text/event-stream';

describeEachDialect('MCP over Streamable HTTP', (h) => {
  let baseUrl = '';
  before(async () => {
    baseUrl = await h.app.listen({ port: 0, host: '127.0.0.1' });
  });

  async function clientFor(apiKey: string): Promise<Client> {
    return connectClient(httpTransport(baseUrl, apiKey));
  }

  function post(body: string, headers: Record<string, string>): Promise<Response> {
    return fetch(`${baseUrl}/api/mcp`, { method: 'POST', headers: { accept: ACCEPT, 'content-type': 'application/json', ...headers }, body });
  }

  const initialize = (protocolVersion: string) =>
    JSON.stringify({
      jsonrpc: '2.0',
      id: 1,
      method: 'initialize',
      params: { protocolVersion, capabilities: {}, clientInfo: { name: 'raw', version: '1' } },
    });

  it('initializes with the SDK client (its latest revision) and lists the ten tools with the right read-only hints', async () => {
    const org = await h.newOrg();
    const client = await clientFor(org.apiKey);
    try {
      assert.equal(client.getServerVersion()?.name, 'telemap');
      assert.ok(client.getServerCapabilities()?.tools);
      const { tools } = await client.listTools();
      assert.deepEqual(tools.map((t) => t.name).sort(), [...READ_ONLY_TOOLS, ...WRITE_TOOLS].sort());
      for (const tool of tools) {
        const readOnly = READ_ONLY_TOOLS.includes(tool.name);
        assert.equal(tool.annotations?.readOnlyHint === true, readOnly, `${tool.name} readOnlyHint`);
        assert.equal(tool.inputSchema.type, 'object');
        assert.ok(tool.description && tool.description.length > 20, `${tool.name} has a description`);
      }
      const createTicket = tools.find((t) => t.name === 'create_ticket')!;
      assert.deepEqual(Object.keys(createTicket.inputSchema.properties ?? {}).sort(), [
        'customerEmail',
        'customerId',
        'description',
        'deviceIdentifier',
        'priority',
        'title',
      ]);
      assert.deepEqual(createTicket.inputSchema.required, ['title']);
    } finally {
      await client.close();
    }
  });

  it('answers a client speaking revision 2025-06-18 in that revision, statelessly', async () => {
    const org = await h.newOrg();
    const auth = { authorization: `Bearer ${org.apiKey}` };
    const init = await post(initialize('2025-06-18'), auth);
    assert.equal(init.status, 200);
    assert.equal(init.headers.get('mcp-session-id'), null, 'stateless: no session');
    assert.match(init.headers.get('x-request-id') ?? '', /.+/);
    const body = (await init.json()) as { result: { protocolVersion: string; serverInfo: { name: string } } };
    assert.equal(body.result.protocolVersion, '2025-06-18');
    assert.equal(body.result.serverInfo.name, 'telemap');
    // No session to remember: the next request, maybe to another process, stands on its own.
    const list = await post(JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/list' }), { ...auth, 'mcp-protocol-version': '2025-06-18' });
    assert.equal(list.status, 200);
    const tools = ((await list.json()) as { result: { tools: Array<{ name: string }> } }).result.tools;
    assert.equal(tools.length, 10);
    // The key may also come as x-api-key, as on /api/v1.
    const viaHeader = await post(JSON.stringify({ jsonrpc: '2.0', id: 3, method: 'tools/list' }), { 'x-api-key': org.apiKey, 'mcp-protocol-version': '2025-06-18' });
    assert.equal(viaHeader.status, 200);
  });

  it('runs every tool on data made through ext-v1', async () => {
    const org = await h.newOrg();
    const world = await makeWorld(h, org);
    const client = await clientFor(org.apiKey);
    try {
      const fragment = world.customer.email.slice(0, world.customer.email.indexOf('@'));
      const found = await callOk(client, 'search_customers', { query: fragment.toUpperCase() });
      assert.deepEqual(found.data.map((c: { id: string }) => c.id), [world.customer.id]);
      assert.equal(found.nextCursor, null);
      // Pages: newest first, then the rest by cursor.
      for (const n of [1, 2]) await h.extPost('/customer/createOrUpdateCustomer', org.apiKey, { email: `${unique(`page${n}`)}@example.com` });
      const first = await callOk(client, 'search_customers', { limit: 2 });
      assert.equal(first.data.length, 2);
      const rest = await callOk(client, 'search_customers', { limit: 2, cursor: first.nextCursor });
      assert.deepEqual(rest.data.map((c: { id: string }) => c.id), [world.customer.id]);
      assert.equal(rest.nextCursor, null);
      const byEmail = await callOk(client, 'search_customers', { email: world.customer.email });
      assert.equal(byEmail.data[0].name, world.customer.name);

      for (const by of [{ id: world.customer.id }, { email: world.customer.email.toUpperCase() }]) {
        const customer = await callOk(client, 'get_customer', by);
        assert.equal(customer.customer.id, world.customer.id);
        assert.equal(customer.customer.phone, '+1 555 0100');
        assert.deepEqual(customer.devices.map((d: { identifier: string }) => d.identifier), [world.device.identifier]);
        assert.deepEqual(customer.openTickets.map((t: { id: string }) => t.id), [world.ticketId]);
      }

      const device = await callOk(client, 'get_device', { identifier: world.device.identifier });
      assert.equal(device.device.type, 'thermostat');
      assert.deepEqual(device.device.metadata, { firmware: '1.2.3' });
      assert.deepEqual(device.owners.map((o: { customerEmail: string }) => o.customerEmail), [world.customer.email]);
      assert.equal(device.assignmentHistory.length, 1);
      assert.equal(device.device.lastSeenAt, null);
      assert.deepEqual(device.ingestErrors, { count: 0, last: null, lastAt: null });
      assert.deepEqual(device.latestReadings, {});
      assert.deepEqual(device.openAlerts, []);
      const sameDevice = await callOk(client, 'get_device', { id: device.device.id });
      assert.equal(sameDevice.device.identifier, world.device.identifier);

      // A new owner: the history keeps the old link, ended, and the new one.
      const other = `${unique('max')}@example.com`.toLowerCase();
      const moved = await h.extPost('/deviceAssignment/unassignDeviceFromOwner', org.apiKey, { deviceIdentifier: world.device.identifier, customerEmail: world.customer.email });
      assert.equal(moved.statusCode, 200, moved.body);
      const assigned = await h.extPost('/deviceAssignment/assignDeviceToOwners', org.apiKey, { deviceIdentifier: world.device.identifier, customerEmails: [other] });
      assert.equal(assigned.statusCode, 200, assigned.body);
      const after = await callOk(client, 'get_device', { identifier: world.device.identifier });
      assert.deepEqual(after.owners.map((o: { customerEmail: string }) => o.customerEmail), [other]);
      assert.deepEqual(after.assignmentHistory.map((a: { customerEmail: string; unassignedAt: string | null }) => [a.customerEmail, a.unassignedAt === null]), [
        [other, true],
        [world.customer.email, false],
      ]);

      const listed = await callOk(client, 'list_tickets', { customerId: world.customer.id });
      assert.deepEqual(listed.data.map((t: { id: string }) => t.id), [world.ticketId]);
      assert.equal((await callOk(client, 'list_tickets', { status: 'resolved' })).data.length, 0);
      assert.equal((await callOk(client, 'list_tickets', { priority: 'high', deviceId: device.device.id })).data.length, 1);

      const ticket = await callOk(client, 'get_ticket', { id: world.ticketId });
      assert.equal(ticket.ticket.title, 'Thermostat keeps rebooting');
      assert.equal(ticket.ticket.deviceIdentifier, world.device.identifier);
      assert.deepEqual(ticket.messages.map((m: { role: string; content: string }) => [m.role, m.content]), [['customer', 'It reboots every hour.']]);

      const reply = await callOk(client, 'add_ticket_reply', { id: world.ticketId, content: '  Please update to 1.2.4.  ' });
      assert.equal(reply.message.role, 'agent');
      assert.equal(reply.message.content, 'Please update to 1.2.4.');
      assert.equal(reply.message.position, 1);
      const keyId = (await h.database.db.selectFrom('api_keys').select('id').where('organization_id', '=', org.organizationId).executeTakeFirstOrThrow()).id;
      assert.deepEqual(reply.message.author, { type: 'api_key', id: keyId, name: null });
      const conversation = await callOk(client, 'get_ticket', { id: world.ticketId });
      assert.deepEqual(conversation.messages.map((m: { role: string }) => m.role), ['customer', 'agent']);
      assert.deepEqual(conversation.messages[1].author, { type: 'api_key', id: keyId, name: null });

      const created = await callOk(client, 'create_ticket', {
        title: '  Battery drains fast ',
        customerEmail: world.customer.email,
        deviceIdentifier: world.device.identifier,
        description: 'Reported on the phone.',
        priority: 'urgent',
      });
      assert.equal(created.ticket.title, 'Battery drains fast');
      assert.equal(created.ticket.channel, 'api');
      assert.equal(created.ticket.priority, 'urgent');
      assert.equal(created.ticket.status, 'open');
      assert.equal(created.ticket.customerId, world.customer.id);
      assert.equal(created.ticket.description, 'Reported on the phone.');
      const byId = await callOk(client, 'create_ticket', { title: 'Follow-up', customerId: world.customer.id });
      assert.equal(byId.ticket.priority, 'medium');
      assert.equal(byId.ticket.deviceId, null);
      const newcomer = `${unique('new')}@example.com`.toLowerCase();
      const forNewcomer = await callOk(client, 'create_ticket', { title: 'Where is my order?', customerEmail: newcomer });
      assert.equal(forNewcomer.ticket.customerEmail, newcomer);
      const openNow = await callOk(client, 'get_customer', { id: world.customer.id });
      assert.equal(openNow.openTickets.length, 3);

      assert.match(await callFails(client, 'create_ticket', { title: 'x', customerEmail: 'not-an-email' }), /Invalid email format/);
      assert.match(await callFails(client, 'create_ticket', { title: 'x' }), /customerEmail or customerId/);
      assert.match(await callFails(client, 'create_ticket', { title: 'x', customerId: randomUUID() }), /Customer not found/);
      assert.match(await callFails(client, 'create_ticket', { title: 'x', customerEmail: newcomer, deviceIdentifier: 'SN-nope' }), /Device not found/);
      assert.match(await callFails(client, 'get_device', { identifier: 'SN-nope' }), /No device with identifier SN-nope/);
      assert.match(await callFails(client, 'get_device', {}), /Give either id or identifier/);
      assert.match(await callFails(client, 'get_customer', { id: 'nope' }), /No customer with id nope/);
      assert.match(await callFails(client, 'get_ticket', { id: randomUUID() }), /No ticket with id/);
      assert.match(await callFails(client, 'add_ticket_reply', { id: randomUUID(), content: 'hi' }), /Ticket not found/);
      assert.match(await callFails(client, 'add_ticket_reply', { id: world.ticketId, content: '   ' }), /content must not be empty/);
    } finally {
      await client.close();
    }
  });

  it('reads telemetry reported through the batch API: latest readings on get_device, ranges on get_telemetry', async () => {
    const org = await h.newOrg();
    const world = await makeWorld(h, org);
    const now = Date.now();
    const temperatures = Array.from({ length: 10 }, (_, i) => ({ ts: now - (10 - i) * 60_000, values: { temperature: 20 + i } }));
    temperatures[4]!.values.temperature = 75.5;
    const batch = await h.request({
      method: 'POST',
      url: '/api/v1/telemetry/batch',
      headers: { 'x-api-key': org.apiKey },
      body: { [world.device.identifier]: [...temperatures, { ts: now - 30_000, values: { door: 'closed' } }] },
    });
    assert.equal(batch.statusCode, 202, batch.body);
    const client = await clientFor(org.apiKey);
    try {
      const device = await callOk(client, 'get_device', { identifier: world.device.identifier });
      assert.deepEqual(device.latestReadings, {
        door: { ts: now - 30_000, value: 'closed' },
        temperature: { ts: now - 60_000, value: 29 },
      });
      assert.equal(typeof device.device.lastSeenAt, 'string');

      const all = await callOk(client, 'get_telemetry', { deviceIdentifier: world.device.identifier, keys: ['temperature'] });
      assert.equal(all.deviceId, device.device.id);
      assert.equal(all.downsampled, false);
      assert.deepEqual(Object.keys(all.data), ['temperature']);
      assert.deepEqual(all.data.temperature, temperatures.map((t) => [t.ts, t.values.temperature]));

      const both = await callOk(client, 'get_telemetry', { deviceId: device.device.id, keys: 'temperature, door' });
      assert.deepEqual(Object.keys(both.data).sort(), ['door', 'temperature']);
      assert.deepEqual(both.data.door, [[now - 30_000, 'closed']]);

      const window = await callOk(client, 'get_telemetry', {
        deviceIdentifier: world.device.identifier,
        keys: ['temperature'],
        from: new Date(now - 8 * 60_000).toISOString(),
        to: now - 5 * 60_000,
      });
      assert.deepEqual(window.data.temperature.map((p: [number, number]) => p[1]), [22, 23, 75.5, 25]);

      // Fewer points than readings: the shape is kept, the spike survives.
      const reduced = await callOk(client, 'get_telemetry', { deviceIdentifier: world.device.identifier, keys: ['temperature'], maxPoints: 2 });
      assert.equal(reduced.downsampled, true);
      assert.ok(reduced.data.temperature.length <= 2);
      assert.ok(reduced.data.temperature.some((p: [number, number]) => p[1] === 75.5));

      const old = await callOk(client, 'get_telemetry', { deviceIdentifier: world.device.identifier, from: 0, to: 1000 });
      assert.deepEqual(old.data, { door: [], temperature: [] });

      assert.match(await callFails(client, 'get_telemetry', { deviceIdentifier: world.device.identifier, from: now, to: now - 1 }), /from must not be after to/);
      assert.match(await callFails(client, 'get_telemetry', { deviceIdentifier: world.device.identifier, from: 'yesterday-ish' }), /from must be Unix milliseconds or an ISO 8601/);
      assert.match(await callFails(client, 'get_telemetry', { keys: ['temperature'] }), /Give either deviceId or deviceIdentifier/);
      assert.match(await callFails(client, 'get_telemetry', { deviceIdentifier: 'SN-nope' }), /No device with identifier SN-nope/);
    } finally {
      await client.close();
    }
    const intruder = await clientFor((await h.newOrg()).apiKey);
    try {
      await callFails(intruder, 'get_telemetry', { deviceIdentifier: world.device.identifier });
    } finally {
      await intruder.close();
    }
  });

  it('lists and acknowledges alerts raised by a rule, and shows the open ones on get_device and get_customer', async () => {
    const org = await h.newOrg();
    const world = await makeWorld(h, org);
    const rule = await h.request({
      method: 'POST',
      url: '/api/v1/rules',
      headers: { 'x-api-key': org.apiKey },
      body: { name: 'Overheating', deviceType: 'thermostat', severity: 'critical', condition: { kind: 'threshold', key: 'temperature', op: '>', value: 70 }, createTicket: false },
    });
    assert.equal(rule.statusCode, 201, rule.body);
    const ruleId = rule.json().id as string;
    const batch = await h.request({
      method: 'POST',
      url: '/api/v1/telemetry/batch',
      headers: { 'x-api-key': org.apiKey },
      body: { [world.device.identifier]: [{ ts: Date.now() - 1000, values: { temperature: 75.5 } }] },
    });
    assert.equal(batch.statusCode, 202, batch.body);
    const client = await clientFor(org.apiKey);
    try {
      const open = await callOk(client, 'list_alerts', { status: 'open' });
      assert.equal(open.data.length, 1);
      const alert = open.data[0];
      assert.equal(alert.ruleId, ruleId);
      assert.equal(alert.ruleName, 'Overheating');
      assert.equal(alert.deviceIdentifier, world.device.identifier);
      assert.equal(alert.severity, 'critical');
      assert.equal(alert.acknowledgedAt, null);
      assert.deepEqual(alert.reading.value, 75.5);
      assert.deepEqual(alert.owners.map((o: { customerId: string }) => o.customerId), [world.customer.id]);
      assert.equal(typeof alert.diagnosis.summary, 'string');

      for (const filter of [{ customerId: world.customer.id }, { deviceId: alert.deviceId }, { severity: 'critical' }, { ruleId }]) {
        assert.deepEqual((await callOk(client, 'list_alerts', filter)).data.map((a: { id: string }) => a.id), [alert.id], JSON.stringify(filter));
      }
      assert.deepEqual((await callOk(client, 'list_alerts', { status: 'cleared' })).data, []);
      assert.deepEqual((await callOk(client, 'list_alerts', { severity: 'minor' })).data, []);
      assert.deepEqual((await callOk(client, 'list_alerts', { customerId: 'not-a-uuid' })).data, []);

      const device = await callOk(client, 'get_device', { identifier: world.device.identifier });
      assert.deepEqual(device.openAlerts.map((a: { id: string }) => a.id), [alert.id]);
      const customer = await callOk(client, 'get_customer', { id: world.customer.id });
      assert.deepEqual(customer.openAlerts.map((a: { id: string }) => a.id), [alert.id]);

      const acknowledged = await callOk(client, 'acknowledge_alert', { id: alert.id });
      assert.equal(acknowledged.alert.id, alert.id);
      assert.equal(typeof acknowledged.alert.acknowledgedAt, 'string');
      const again = await callOk(client, 'acknowledge_alert', { id: alert.id });
      assert.equal(again.alert.acknowledgedAt, acknowledged.alert.acknowledgedAt);
      assert.match(await callFails(client, 'acknowledge_alert', { id: randomUUID() }), /Alert not found/);
      assert.match(await callFails(client, 'acknowledge_alert', { id: 'nope' }), /No alert with id nope/);

      const intruder = await clientFor((await h.newOrg()).apiKey);
      try {
        assert.deepEqual((await callOk(intruder, 'list_alerts', {})).data, []);
        assert.deepEqual((await callOk(intruder, 'list_alerts', { deviceId: alert.deviceId })).data, []);
        assert.match(await callFails(intruder, 'acknowledge_alert', { id: alert.id }), /Alert not found/);
      } finally {
        await intruder.close();
      }
    } finally {
      await client.close();
    }
  });

  it("another organization's key sees none of it and changes none of it", async () => {
    const owner = await h.newOrg();
    const world = await makeWorld(h, owner);
    const intruder = await h.newOrg();
    const client = await clientFor(intruder.apiKey);
    try {
      assert.deepEqual((await callOk(client, 'search_customers', {})).data, []);
      assert.deepEqual((await callOk(client, 'search_customers', { email: world.customer.email })).data, []);
      await callFails(client, 'get_customer', { id: world.customer.id });
      await callFails(client, 'get_customer', { email: world.customer.email });
      await callFails(client, 'get_device', { identifier: world.device.identifier });
      assert.deepEqual((await callOk(client, 'list_tickets', {})).data, []);
      assert.deepEqual((await callOk(client, 'list_tickets', { customerId: world.customer.id })).data, []);
      await callFails(client, 'get_ticket', { id: world.ticketId });
      assert.match(await callFails(client, 'add_ticket_reply', { id: world.ticketId, content: 'sneaky' }), /Ticket not found/);
      assert.match(await callFails(client, 'create_ticket', { title: 'x', customerId: world.customer.id }), /Customer not found/);
      assert.match(await callFails(client, 'create_ticket', { title: 'x', customerEmail: 'a@example.com', deviceIdentifier: world.device.identifier }), /Device not found/);
    } finally {
      await client.close();
    }
    const messages = await h.database.db.selectFrom('ticket_messages').select('content').where('ticket_id', '=', world.ticketId).execute();
    assert.deepEqual(messages.map((m) => m.content), ['It reboots every hour.']);
    const intruderTickets = await h.database.db.selectFrom('tickets').select('id').where('organization_id', '=', intruder.organizationId).execute();
    assert.equal(intruderTickets.length, 0);
  });

  it('refuses a missing or bad key with 401 and a JSON body, before reading the request', async () => {
    const org = await h.newOrg();
    const cases: Record<string, string>[] = [
      {},
      { authorization: 'Bearer tlm_' + 'x'.repeat(40) },
      { authorization: 'Bearer not-a-key' },
      { authorization: `Basic ${org.apiKey}` },
    ];
    for (const headers of cases) {
      const res = await post(initialize('2025-06-18'), headers);
      assert.equal(res.status, 401, JSON.stringify(headers));
      assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
      assert.match(res.headers.get('www-authenticate') ?? '', /^Bearer/);
      const body = (await res.json()) as { jsonrpc: string; id: null; error: { code: number; message: string } };
      assert.equal(body.jsonrpc, '2.0');
      assert.equal(body.id, null);
      assert.equal(body.error.code, -32001);
      assert.match(body.error.message, /API key/);
    }
    const bad = await post('{not json', { authorization: 'Bearer tlm_' + 'y'.repeat(40) });
    assert.equal(bad.status, 401);
    await assert.rejects(clientFor('tlm_' + 'z'.repeat(40)), (error: { code?: number }) => error.code === 401);
  });

  it('a revoked key is refused at once', async () => {
    const org = await h.newOrg();
    const keys = await h.database.db.selectFrom('api_keys').select('id').where('organization_id', '=', org.organizationId).execute();
    await h.database.db.updateTable('api_keys').set({ revoked_at: new Date(Date.now() - 1000).toISOString() }).where('id', '=', keys[0]!.id).execute();
    const res = await post(initialize('2025-06-18'), { authorization: `Bearer ${org.apiKey}` });
    assert.equal(res.status, 401);
  });

  it('bad arguments are tool errors, not server errors', async () => {
    const org = await h.newOrg();
    const client = await clientFor(org.apiKey);
    try {
      const cases: Array<[string, Record<string, unknown>]> = [
        ['get_ticket', {}],
        ['get_ticket', { id: 42 }],
        ['list_tickets', { status: 'closed' }],
        ['list_tickets', { limit: 0 }],
        ['list_tickets', { state: 'open' }],
        ['search_customers', { query: 'a', email: 'b' }],
        ['create_ticket', { title: '' }],
        ['create_ticket', { title: 'x'.repeat(256), customerEmail: 'a@example.com' }],
        ['create_ticket', { title: 'x', customerEmail: 'a@example.com', priority: 'whenever' }],
        ['add_ticket_reply', { id: randomUUID() }],
        ['get_telemetry', { deviceIdentifier: 'SN', maxPoints: 0 }],
        ['list_alerts', { severity: 'apocalyptic' }],
        ['list_tickets', { cursor: 'garbage' }],
      ];
      for (const [name, args] of cases) {
        const result = await call(client, name, args);
        assert.equal(result.isError, true, `${name} ${JSON.stringify(args)}: ${textOf(result)}`);
        assert.doesNotMatch(textOf(result), /\n\s+at |internal error/i, `${name}: ${textOf(result)}`);
      }
      const unknown = await call(client, 'drop_database', {});
      assert.equal(unknown.isError, true);
    } finally {
      await client.close();
    }
  });

  it('answers malformed requests and other methods with JSON-RPC errors, never a 500', async () => {
    const org = await h.newOrg();
    const auth = { authorization: `Bearer ${org.apiKey}` };
    const parse = await post('{not json', auth);
    assert.equal(parse.status, 400);
    assert.deepEqual(((await parse.json()) as { error: { code: number } }).error.code, -32700);
    const empty = await post('', auth);
    assert.equal(empty.status, 400);
    assert.equal(((await empty.json()) as { error: { code: number } }).error.code, -32700);
    const notRpc = await post(JSON.stringify({ hello: 'world' }), auth);
    assert.equal(notRpc.status, 400);
    assert.equal(((await notRpc.json()) as { jsonrpc: string }).jsonrpc, '2.0');
    const wrongType = await fetch(`${baseUrl}/api/mcp`, { method: 'POST', headers: { ...auth, accept: ACCEPT, 'content-type': 'text/plain' }, body: 'hi' });
    assert.equal(wrongType.status, 415);
    assert.equal(((await wrongType.json()) as { jsonrpc: string }).jsonrpc, '2.0');
    for (const method of ['GET', 'DELETE']) {
      const res = await fetch(`${baseUrl}/api/mcp`, { method, headers: auth });
      assert.equal(res.status, 405, method);
      assert.equal(res.headers.get('allow'), 'POST');
      const body = (await res.json()) as { jsonrpc: string; error: { code: number; message: string } };
      assert.deepEqual([body.jsonrpc, body.error.code, body.error.message], ['2.0', -32000, 'Method not allowed.']);
    }
  });
});
