// The Telemap MCP server: one tool set, served over Streamable HTTP (http.ts) and stdio (the `telemap mcp`
// command). A server is built per caller and acts for exactly one organization.
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { ToolScope } from './scope.js';
import { registerAlertTools } from './tools/alerts.js';
import { registerCustomerTools } from './tools/customers.js';
import { registerDeviceTools } from './tools/devices.js';
import { registerTelemetryTools } from './tools/telemetry.js';
import { registerTicketTools } from './tools/tickets.js';

export const MCP_SERVER_NAME = 'telemap';
const VERSION = '0.1.0';

const INSTRUCTIONS =
  "Telemap is a hardware company's support back end: customers, the devices they own (and owned), device " +
  'telemetry, alerts raised by rules, and support tickets. Find a customer or device first (search_customers, ' +
  'get_customer, get_device), then read its telemetry, alerts and tickets, and act (create_ticket, ' +
  'add_ticket_reply, acknowledge_alert).';

/**
 * Over HTTP this runs for every request, so the tools' schemas and descriptions are module constants, built once
 * per process; only the handlers, which close over the caller's organization, are made here.
 */
export function buildMcpServer(scope: ToolScope): McpServer {
  const server = new McpServer({ name: MCP_SERVER_NAME, version: VERSION }, { instructions: INSTRUCTIONS });
  registerCustomerTools(server, scope);
  registerDeviceTools(server, scope);
  registerTelemetryTools(server, scope);
  registerAlertTools(server, scope);
  registerTicketTools(server, scope);
  return server;
}
