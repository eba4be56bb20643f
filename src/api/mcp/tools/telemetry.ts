// get_telemetry: a device's readings of some keys over a time range, downsampled for a model to read.
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { MAX_KEY_LENGTH, type ReadingValue } from '../../../domain/telemetry/model.js';
import { readingHistory } from '../../../domain/telemetry/read.js';
import { DEFAULT_MAX_POINTS, DEFAULT_RANGE_MS, MAX_MAX_POINTS } from '../../v1/devices/telemetry.js';
import { findDevice } from '../lookup.js';
import { runTool, toolResult, ToolFailure } from '../results.js';
import { idArg } from '../schemas.js';
import type { ToolScope } from '../scope.js';

const time = z.union([z.number().int().nonnegative(), z.string().min(1).max(40)]);
const value = z.union([z.number(), z.boolean(), z.string()]);

function readTime(raw: number | string | undefined, field: string): number | undefined {
  if (raw === undefined || typeof raw === 'number') return raw;
  // A string of digits is milliseconds too: models often quote numbers.
  const ms = /^\d+$/.test(raw.trim()) ? Number(raw.trim()) : Date.parse(raw);
  if (!Number.isFinite(ms) || ms < 0) throw new ToolFailure(`${field} must be Unix milliseconds or an ISO 8601 date-time`);
  return ms;
}

function readKeys(raw: string[] | string | undefined): string[] | undefined {
  if (raw === undefined) return undefined;
  const keys = (typeof raw === 'string' ? raw.split(',') : raw).map((key) => key.trim()).filter((key) => key !== '');
  if (keys.some((key) => key.length > MAX_KEY_LENGTH)) throw new ToolFailure(`keys: each key is at most ${MAX_KEY_LENGTH} characters`);
  return keys;
}

/** One line per key a model can read without parsing the series: how many points, the range of numbers, the last value. */
function describeSeries(key: string, points: [number, ReadingValue][]): string {
  if (points.length === 0) return `${key}: no readings`;
  const [lastTs, lastValue] = points[points.length - 1]!;
  const numbers = points.map(([, v]) => v).filter((v): v is number => typeof v === 'number');
  const range = numbers.length ? `, min ${Math.min(...numbers)}, max ${Math.max(...numbers)}` : '';
  return `${key}: ${points.length} point(s)${range}, last ${JSON.stringify(lastValue)} at ${new Date(lastTs).toISOString()}`;
}

const getTelemetryTool = {
  title: 'Get telemetry',
  description:
    "A device's readings (by deviceId or deviceIdentifier) of some keys over a time range, oldest first, as [ts, value] pairs (ts in Unix ms). Numeric series with more readings than maxPoints are downsampled keeping their shape (min and max per time bucket).",
  inputSchema: z.strictObject({
    deviceId: idArg('device').optional(),
    deviceIdentifier: z.string().min(1).max(255).optional().describe("The device's identifier (serial number)"),
    keys: z
      .union([z.array(z.string().min(1).max(MAX_KEY_LENGTH)).max(100), z.string().min(1).max(10_000)])
      .optional()
      .describe('The keys to read (a list, or one comma-separated string); default all'),
    from: time.optional().describe('Start of the range, inclusive: Unix ms or ISO 8601 (default: 24 hours before to)'),
    to: time.optional().describe('End of the range, inclusive: Unix ms or ISO 8601 (default: now)'),
    maxPoints: z
      .number()
      .int()
      .min(2)
      .max(MAX_MAX_POINTS)
      .optional()
      .describe(`At most this many points per key (default ${DEFAULT_MAX_POINTS})`),
  }),
  outputSchema: {
    deviceId: z.string(),
    deviceIdentifier: z.string(),
    from: z.number(),
    to: z.number(),
    data: z.record(z.string(), z.array(z.tuple([z.number(), value]))),
    downsampled: z.boolean(),
  },
  annotations: { readOnlyHint: true },
};

export function registerTelemetryTools(server: McpServer, scope: ToolScope): void {
  server.registerTool(
    'get_telemetry',
    getTelemetryTool,
    (args) =>
      runTool(scope, 'get_telemetry', async () => {
        const device = await findDevice(scope, { id: args.deviceId, identifier: args.deviceIdentifier }, { id: 'deviceId', identifier: 'deviceIdentifier' });
        const to = readTime(args.to, 'to') ?? scope.ctx.clock.now().getTime();
        const from = readTime(args.from, 'from') ?? Math.max(0, to - DEFAULT_RANGE_MS);
        if (from > to) throw new ToolFailure('from must not be after to');
        const history = await readingHistory(scope.ctx, scope.organizationId, device.id, {
          keys: readKeys(args.keys),
          from,
          to,
          maxPoints: args.maxPoints ?? DEFAULT_MAX_POINTS,
        });
        const range = `${new Date(from).toISOString()} to ${new Date(to).toISOString()}`;
        const series = Object.entries(history.data).map(([key, points]) => describeSeries(key, points));
        const lines = [
          `Telemetry of device ${device.identifier} from ${range}${history.downsampled ? ' (downsampled)' : ''}.`,
          ...(series.length ? series : ['No readings in this range.']),
        ];
        return toolResult(lines.join('\n'), { deviceId: device.id, deviceIdentifier: device.identifier, from, to, ...history });
      }),
  );
}
