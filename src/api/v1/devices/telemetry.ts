// Reading a device's telemetry back: its latest value per key, and the history of a range (reduced on the server
// when it holds more points than asked for).
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { DomainContext } from '../../../domain/context.js';
import { getDevice } from '../../../domain/dashboard/queries.js';
import { MAX_KEY_LENGTH } from '../../../domain/telemetry/model.js';
import { latestReadings, readingHistory } from '../../../domain/telemetry/read.js';
import { principalOf } from '../auth.js';
import { ErrorResponses, V1Error } from '../errors.js';
import { idOr404, IdParams } from '../path-id.js';
import { tagged } from '../schemas.js';

const Value = Type.Union([Type.Number(), Type.Boolean(), Type.String()]);
// [ts, value]. Not a TypeBox tuple: the serializer cannot match a union inside tuple items.
const Point = Type.Array(Value, { minItems: 2, maxItems: 2, description: '[ts in ms, value]' });
const Latest = Type.Object({
  data: Type.Record(Type.String(), Type.Object({ ts: Type.Integer(), value: Value }), { description: 'Latest reading per key' }),
});
const History = Type.Object({
  data: Type.Record(Type.String(), Type.Array(Point), { description: '[ts, value] per key, oldest first' }),
  downsampled: Type.Boolean({ description: 'True when a key had more readings in the range than maxPoints' }),
});

export const DEFAULT_RANGE_MS = 24 * 60 * 60 * 1000;
export const DEFAULT_MAX_POINTS = 1000;
export const MAX_MAX_POINTS = 10_000;

const HistoryQuery = Type.Object(
  {
    keys: Type.Optional(Type.String({ description: 'Comma-separated keys (default: all)' })),
    from: Type.Optional(Type.Integer({ minimum: 0, description: 'Unix ms, inclusive (default: to - 24 h)' })),
    to: Type.Optional(Type.Integer({ minimum: 0, description: 'Unix ms, inclusive (default: now)' })),
    maxPoints: Type.Optional(Type.Integer({ minimum: 2, maximum: MAX_MAX_POINTS, description: 'Per key (default 1000)' })),
  },
  { additionalProperties: false },
);

async function deviceOf(ctx: DomainContext, organizationId: string, params: unknown): Promise<string> {
  const id = idOr404(params, 'Device');
  if (!(await getDevice(ctx.database.db, organizationId, id))) throw new V1Error('not_found', 'Device not found');
  return id;
}

export function registerDeviceTelemetry(app: FastifyInstance, ctx: DomainContext): void {
  app.get(
    '/devices/:id/telemetry/latest',
    {
      schema: { ...tagged('telemetry'), summary: "The device's latest reading of each key", params: IdParams, response: { 200: Latest, ...ErrorResponses } },
    },
    async (request) => {
      const { organizationId } = principalOf(request);
      const id = await deviceOf(ctx, organizationId, request.params);
      return { data: await latestReadings(ctx, organizationId, id) };
    },
  );

  app.get(
    '/devices/:id/telemetry',
    {
      schema: {
        ...tagged('telemetry'),
        summary: "The device's readings over a range, reduced to maxPoints per key keeping the shape",
        params: IdParams,
        querystring: HistoryQuery,
        response: { 200: History, ...ErrorResponses },
      },
    },
    async (request) => {
      const { organizationId } = principalOf(request);
      const id = await deviceOf(ctx, organizationId, request.params);
      const query = request.query as Static<typeof HistoryQuery>;
      const to = query.to ?? ctx.clock.now().getTime();
      const from = query.from ?? Math.max(0, to - DEFAULT_RANGE_MS);
      if (from > to) throw new V1Error('bad_request', 'from must not be after to');
      const keys = query.keys === undefined ? undefined : query.keys.split(',').filter((key) => key !== '');
      if (keys?.some((key) => key.length > MAX_KEY_LENGTH)) throw new V1Error('bad_request', `keys: each key is at most ${MAX_KEY_LENGTH} characters`);
      return readingHistory(ctx, organizationId, id, { keys, from, to, maxPoints: query.maxPoints ?? DEFAULT_MAX_POINTS });
    },
  );
}
