// list_alerts and acknowledge_alert: the rules' alerts, filtered as on /api/v1/alerts.
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { acknowledgeAlert } from '../../../domain/alerts/lifecycle.js';
import { listAlerts } from '../../../domain/alerts/queries.js';
import type { AlertView } from '../../../domain/alerts/view.js';
import { DEFAULT_PAGE_SIZE } from '../../../domain/dashboard/cursor.js';
import { isUuid } from '../../../domain/ids.js';
import { idFilter } from '../lookup.js';
import { runTool, toolResult, ToolFailure } from '../results.js';
import { alertOut, idArg, pageArgs, pageOf } from '../schemas.js';
import type { ToolScope } from '../scope.js';

const SEVERITIES = ['critical', 'major', 'minor', 'warning'] as const;

export function describeAlert(a: AlertView): string {
  const state = a.status === 'open' ? (a.acknowledgedAt ? 'open, acknowledged' : 'open') : `cleared ${a.clearedAt}`;
  return `[${a.severity}] ${a.ruleName} on ${a.deviceIdentifier} (alert id ${a.id}): ${state}, opened ${a.openedAt}, triggered ${a.triggerCount} time(s). ${a.diagnosis.summary}`;
}

const listAlertsTool = {
  title: 'List alerts',
  description:
    'Alerts raised by the rules, newest first, filtered by status (open or cleared), deviceId, customerId (the devices that customer owns now), severity or ruleId, as /api/v1/alerts. Each alert carries its diagnosis, the reading that opened it, the owners when it opened and its ticket.',
  inputSchema: z.strictObject({
    status: z.enum(['open', 'cleared']).optional(),
    deviceId: idArg('device').optional(),
    customerId: idArg('customer').optional(),
    severity: z.enum(SEVERITIES).optional(),
    ruleId: idArg('rule').optional(),
    ...pageArgs,
  }),
  outputSchema: pageOf(alertOut),
  annotations: { readOnlyHint: true },
};

const acknowledgeAlertTool = {
  title: 'Acknowledge an alert',
  description: 'Mark an alert as acknowledged (seen by the support team); acknowledging it again changes nothing.',
  inputSchema: z.strictObject({ id: idArg('alert') }),
  outputSchema: { alert: alertOut },
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true },
};

export function registerAlertTools(server: McpServer, scope: ToolScope): void {
  const { db } = scope.ctx.database;

  server.registerTool(
    'list_alerts',
    listAlertsTool,
    (args) =>
      runTool(scope, 'list_alerts', async () => {
        const page = await listAlerts(db, scope.organizationId, {
          status: args.status,
          deviceId: idFilter(args.deviceId),
          customerId: idFilter(args.customerId),
          severity: args.severity,
          ruleId: idFilter(args.ruleId),
          limit: args.limit ?? DEFAULT_PAGE_SIZE,
          cursor: args.cursor,
        });
        const lines = page.data.length ? page.data.map((a) => `- ${describeAlert(a)}`) : ['No alert matches.'];
        if (page.nextCursor) lines.push('More with cursor.');
        return toolResult(lines.join('\n'), { data: page.data, nextCursor: page.nextCursor });
      }),
  );

  server.registerTool(
    'acknowledge_alert',
    acknowledgeAlertTool,
    (args) =>
      runTool(scope, 'acknowledge_alert', async () => {
        if (!isUuid(args.id)) throw new ToolFailure(`No alert with id ${args.id}`);
        const alert = await acknowledgeAlert(scope.ctx, scope.organizationId, args.id.toLowerCase());
        return toolResult(`Acknowledged at ${alert.acknowledgedAt}: ${describeAlert(alert)}`, { alert });
      }),
  );
}
