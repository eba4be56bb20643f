// get_device: a device with who owns it now, who owned it before, its latest readings and its open alerts.
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { currentOwnersOf, deviceAssignmentHistory } from '../../../domain/dashboard/queries.js';
import { findDevice } from '../lookup.js';
import { runTool, toolResult } from '../results.js';
import { assignmentOut, deviceOut, idArg } from '../schemas.js';
import type { ToolScope } from '../scope.js';
import { latestReadingsOf, NOT_AVAILABLE, openAlertsOf } from '../support-loop.js';

/** How many links of the assignment history get_device shows, newest first. */
const HISTORY_SHOWN = 50;

export function registerDeviceTools(server: McpServer, scope: ToolScope): void {
  server.registerTool(
    'get_device',
    {
      title: 'Get a device',
      description:
        'A device by id or by identifier (serial number): its type and metadata, current owners, latest readings, open alerts and assignment history (newest first).',
      inputSchema: z.strictObject({
        id: idArg('device').optional(),
        identifier: z.string().min(1).max(255).optional().describe("The device's identifier, e.g. its serial number"),
      }),
      outputSchema: {
        device: deviceOut,
        owners: z.array(assignmentOut),
        latestReadings: z.record(z.string(), z.object({ ts: z.number(), value: z.union([z.number(), z.boolean(), z.string()]) })).nullable(),
        openAlerts: z.array(z.record(z.string(), z.unknown())).nullable(),
        assignmentHistory: z.array(assignmentOut),
      },
      annotations: { readOnlyHint: true },
    },
    (args) =>
      runTool(scope, 'get_device', async () => {
        const device = await findDevice(scope, args);
        const { db } = scope.ctx.database;
        const owners = await currentOwnersOf(db, scope.organizationId, device.id);
        const history = await deviceAssignmentHistory(db, scope.organizationId, device.id, { limit: HISTORY_SHOWN });
        const latestReadings = await latestReadingsOf(scope, device.id);
        const openAlerts = await openAlertsOf(scope, { deviceId: device.id });
        const lines = [
          `Device ${device.identifier} (type ${device.type ?? 'none'}, id ${device.id}).`,
          owners.length ? `Owned now by: ${owners.map((o) => `${o.customerName} <${o.customerEmail}>`).join(', ')}.` : 'No current owner.',
          latestReadings === null
            ? `Latest readings: ${NOT_AVAILABLE}.`
            : `Latest readings: ${Object.keys(latestReadings).length ? Object.entries(latestReadings).map(([k, r]) => `${k}=${String(r.value)}`).join(', ') : 'none'}.`,
          openAlerts === null ? `Open alerts: ${NOT_AVAILABLE}.` : `${openAlerts.length} open alert(s).`,
          `${history.data.length} assignment(s) in the history shown.`,
        ];
        return toolResult(lines.join('\n'), { device, owners, latestReadings, openAlerts, assignmentHistory: history.data });
      }),
  );
}
