// get_telemetry: a device's readings of some keys over a time range, downsampled for a model to read.
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { MAX_KEY_LENGTH } from '../../../domain/telemetry/model.js';
import { runTool, ToolFailure } from '../results.js';
import { idArg } from '../schemas.js';
import type { ToolScope } from '../scope.js';
import { NOT_AVAILABLE } from '../support-loop.js';

const time = z
  .union([z.number().int().positive(), z.string().min(1).max(40)])
  .describe('Unix time in milliseconds, or an ISO 8601 date-time');

export const telemetryArgs = z.strictObject({
  deviceId: idArg('device').optional(),
  deviceIdentifier: z.string().min(1).max(255).optional().describe("The device's identifier (serial number)"),
  keys: z
    .union([z.array(z.string().min(1).max(MAX_KEY_LENGTH)).max(100), z.string().min(1).max(10_000)])
    .optional()
    .describe('The keys to read (a list, or one comma-separated string); default all'),
  from: time.optional().describe('Start of the range (default: 24 hours before `to`); ms or ISO 8601'),
  to: time.optional().describe('End of the range (default: now); ms or ISO 8601'),
  maxPoints: z.number().int().min(1).max(10_000).optional().describe('At most this many points per key (default 1000)'),
});

export function registerTelemetryTools(server: McpServer, scope: ToolScope): void {
  server.registerTool(
    'get_telemetry',
    {
      title: 'Get telemetry',
      description:
        "A device's readings (by deviceId or deviceIdentifier) of some keys over a range, oldest first; numeric series longer than maxPoints are downsampled, keeping their shape.",
      inputSchema: telemetryArgs,
      annotations: { readOnlyHint: true },
    },
    () =>
      runTool(scope, 'get_telemetry', async () => {
        throw new ToolFailure(`get_telemetry is ${NOT_AVAILABLE}: this build has no telemetry storage`);
      }),
  );
}
