// MCP test helpers: the SDK's own client against a listening Telemap, the tool set the contract names, and a
// customer/device/ticket world made through ext-v1 as an integration would make it.
import assert from 'node:assert/strict';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { Harness, TestOrg } from './harness.js';
import { unique } from './ext-v1-endpoints.js';

export const READ_ONLY_TOOLS = [
  'search_customers',
  'get_customer',
  'get_device',
  'get_telemetry',
  'list_alerts',
  'list_tickets',
  'get_ticket',
];
export const WRITE_TOOLS = ['create_ticket', 'add_ticket_reply', 'acknowledge_alert'];

export async function connectClient(transport: Transport): Promise<Client> {
  const client = new Client({ name: 'telemap-test', version: '1.0.0' });
  await client.connect(transport);
  // The SDK's client checks structuredContent against a tool's outputSchema only once it has listed the tools.
  await client.listTools();
  return client;
}

export function httpTransport(baseUrl: string, apiKey: string): StreamableHTTPClientTransport {
  return new StreamableHTTPClientTransport(new URL('/api/mcp', baseUrl), {
    requestInit: { headers: { authorization: `Bearer ${apiKey}` } },
  });
}

/** Structured content as the tests read it: its shape is what they assert, so it is not typed here. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Structured = any;

export type ToolOutcome = CallToolResult & { structuredContent?: Record<string, unknown> };

export async function call(client: Client, name: string, args: Record<string, unknown>): Promise<ToolOutcome> {
  return (await client.callTool({ name, arguments: args })) as ToolOutcome;
}

/** A successful call's structured content; fails the test, with the tool's text, on a tool error. */
export async function callOk(client: Client, name: string, args: Record<string, unknown>): Promise<Structured> {
  const result = await call(client, name, args);
  assert.notEqual(result.isError, true, `${name} ${JSON.stringify(args)}: ${textOf(result)}`);
  assert.ok(result.structuredContent, `${name} returned no structuredContent`);
  // The text a model reads carries the same data.
  assert.ok(textOf(result).length > 0);
  return result.structuredContent as Structured;
}

/** A tool error's message; fails the test when the call succeeded. */
export async function callFails(client: Client, name: string, args: Record<string, unknown>): Promise<string> {
  const result = await call(client, name, args);
  assert.equal(result.isError, true, `${name} ${JSON.stringify(args)} should fail: ${textOf(result)}`);
  const text = textOf(result);
  assert.doesNotMatch(text, /\n\s+at /, 'a tool error must not carry a stack');
  return text;
}

export function textOf(result: CallToolResult): string {
  return result.content.map((c) => (c.type === 'text' ? c.text : '')).join('\n');
}

export interface World {
  customer: { id: string; email: string; name: string };
  device: { identifier: string };
  ticketId: string;
}

async function extOk(h: Harness, org: TestOrg, path: string, body: unknown): Promise<Structured> {
  const res = await h.extPost(path, org.apiKey, body);
  assert.equal(res.statusCode, 200, `${path}: ${res.body}`);
  return res.json() as Structured;
}

/** A customer owning one device, with one ticket about it, all made through ext-v1. */
export async function makeWorld(h: Harness, org: TestOrg): Promise<World> {
  const email = `${unique('jane')}@example.com`.toLowerCase();
  const name = `Jane ${unique('Doe')}`;
  const created = await extOk(h, org, '/customer/createOrUpdateCustomer', { email, name, phone: '+1 555 0100' });
  const identifier = unique('SN');
  await extOk(h, org, '/device', { identifier, type: 'thermostat', properties: { firmware: '1.2.3' } });
  await extOk(h, org, '/deviceAssignment/assignDeviceToOwners', { deviceIdentifier: identifier, customerEmails: [email] });
  const ticket = await extOk(h, org, '/ticket/createTicket', {
    title: 'Thermostat keeps rebooting',
    customerEmail: email,
    deviceIdentifier: identifier,
    priority: 'high',
    messages: [{ role: 'customer', content: 'It reboots every hour.' }],
  });
  return { customer: { id: created.telemetronCustomerId as string, email, name }, device: { identifier }, ticketId: ticket.ticketId as string };
}
