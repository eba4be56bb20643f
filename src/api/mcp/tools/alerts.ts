// list_alerts and acknowledge_alert: the rules' alerts, filtered as on /api/v1/alerts.
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { runTool, ToolFailure } from '../results.js';
import { idArg, pageArgs } from '../schemas.js';
import type { ToolScope } from '../scope.js';
import { NOT_AVAILABLE } from '../support-loop.js';

const SEVERITIES = ['critical', 'major', 'minor', 'warning'] as const;

export function registerAlertTools(server: McpServer, scope: ToolScope): void {
  server.registerTool(
    'list_alerts',
    {
      title: 'List alerts',
      description:
        "Alerts, newest first, filtered by status (open or cleared), deviceId, customerId (devices that customer owns now), severity or ruleId, as /api/v1/alerts.",
      inputSchema: z.strictObject({
        status: z.enum(['open', 'cleared']).optional(),
        deviceId: idArg('device').optional(),
        customerId: idArg('customer').optional(),
        severity: z.enum(SEVERITIES).optional(),
        ruleId: idArg('rule').optional(),
        ...pageArgs,
      }),
      annotations: { readOnlyHint: true },
    },
    () =>
      runTool(scope, 'list_alerts', async () => {
        throw new ToolFailure(`list_alerts is ${NOT_AVAILABLE}: this build has no rules or alerts`);
      }),
  );

  server.registerTool(
    'acknowledge_alert',
    {
      title: 'Acknowledge an alert',
      description: 'Mark an alert as acknowledged (seen by the support team); acknowledging it again changes nothing.',
      inputSchema: z.strictObject({ id: idArg('alert') }),
      annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true },
    },
    () =>
      runTool(scope, 'acknowledge_alert', async () => {
        throw new ToolFailure(`acknowledge_alert is ${NOT_AVAILABLE}: this build has no rules or alerts`);
      }),
  );
}
