// get_device: a device with who owns it now, who owned it before, its latest readings and its open alerts.
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { listAlerts } from '../../../domain/alerts/queries.js';
import { currentOwnersOf, deviceAssignmentHistory } from '../../../domain/dashboard/queries.js';
import { latestReadings } from '../../../domain/telemetry/read.js';
import { deviceTelemetryStatus } from '../../../domain/telemetry/status.js';
import { findDevice } from '../lookup.js';
import { runTool, toolResult } from '../results.js';
import { alertOut, assignmentOut, deviceOut, idArg } from '../schemas.js';
import type { ToolScope } from '../scope.js';

/** How many links of the assignment history get_device shows, newest first. */
const HISTORY_SHOWN = 50;
/** How many open alerts it shows, newest first; more is a case for list_alerts. */
const OPEN_ALERTS_SHOWN = 50;

const getDeviceTool = {
  title: 'Get a device',
  description:
    'A device by id or by identifier (serial number): its type and metadata, when it last reported and its ingest errors, current owners, latest readings, open alerts and assignment history (newest first).',
  inputSchema: z.strictObject({
    id: idArg('device').optional(),
    identifier: z.string().min(1).max(255).optional().describe("The device's identifier, e.g. its serial number"),
  }),
  outputSchema: {
    device: deviceOut.extend({ lastSeenAt: z.string().nullable().describe('When it last reported a reading') }),
    ingestErrors: z.object({ count: z.number().int(), last: z.string().nullable(), lastAt: z.string().nullable() }),
    owners: z.array(assignmentOut),
    latestReadings: z.record(z.string(), z.object({ ts: z.number(), value: z.union([z.number(), z.boolean(), z.string()]) })),
    openAlerts: z.array(alertOut),
    assignmentHistory: z.array(assignmentOut),
  },
  annotations: { readOnlyHint: true },
};

export function registerDeviceTools(server: McpServer, scope: ToolScope): void {
  server.registerTool(
    'get_device',
    getDeviceTool,
    (args) =>
      runTool(scope, 'get_device', async () => {
        const device = await findDevice(scope, args);
        const { db } = scope.ctx.database;
        const owners = await currentOwnersOf(db, scope.organizationId, device.id);
        const history = await deviceAssignmentHistory(db, scope.organizationId, device.id, { limit: HISTORY_SHOWN });
        const status = await deviceTelemetryStatus(scope.ctx, scope.organizationId, device.id);
        const lastSeenAt = status?.lastSeenAt ?? null;
        const ingestErrors = { count: status?.ingestErrorCount ?? 0, last: status?.lastIngestError ?? null, lastAt: status?.lastIngestErrorAt ?? null };
        const latest = await latestReadings(scope.ctx, scope.organizationId, device.id);
        const openAlerts = (await listAlerts(db, scope.organizationId, { deviceId: device.id, status: 'open', limit: OPEN_ALERTS_SHOWN })).data;
        const lines = [
          `Device ${device.identifier} (type ${device.type ?? 'none'}, id ${device.id}).`,
          `Last seen: ${lastSeenAt ?? 'never'}.${ingestErrors.count ? ` ${ingestErrors.count} ingest error(s) (readings refused), the last at ${ingestErrors.lastAt}: ${ingestErrors.last}` : ''}`,
          owners.length ? `Owned now by: ${owners.map((o) => `${o.customerName} <${o.customerEmail}>`).join(', ')}.` : 'No current owner.',
          `Latest readings: ${Object.keys(latest).length ? Object.entries(latest).map(([k, r]) => `${k}=${JSON.stringify(r.value)} at ${new Date(r.ts).toISOString()}`).join(', ') : 'none'}.`,
          `${openAlerts.length} open alert(s)${openAlerts.length ? `: ${openAlerts.map((a) => `[${a.severity}] ${a.ruleName}`).join(', ')}` : ''}.`,
          `${history.data.length} assignment(s) in the history shown.`,
        ];
        return toolResult(lines.join('\n'), { device: { ...device, lastSeenAt }, ingestErrors, owners, latestReadings: latest, openAlerts, assignmentHistory: history.data });
      }),
  );
}
