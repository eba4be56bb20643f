import { Type } from '@sinclair/typebox';
import { Timestamp } from '../schemas.js';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) => Type.Union([schema, Type.Null()]);

export const AlertOwnerSchema = Type.Object({
  customerId: Type.String({ format: 'uuid' }),
  email: Type.String(),
  name: Type.String(),
});

export const AlertSchema = Type.Object({
  id: Type.String({ format: 'uuid' }),
  ruleId: Type.String({ format: 'uuid' }),
  ruleName: Type.String(),
  kind: Type.String({ description: 'threshold, inactivity or anomaly' }),
  deviceId: Type.String({ format: 'uuid' }),
  deviceIdentifier: Type.String(),
  deviceType: Nullable(Type.String()),
  severity: Type.String(),
  status: Type.String({ description: 'open or cleared' }),
  openedAt: Timestamp,
  lastTriggeredAt: Timestamp,
  triggerCount: Type.Integer(),
  acknowledgedAt: Nullable(Timestamp),
  clearedAt: Nullable(Timestamp),
  reading: Nullable(
    Type.Object({ key: Type.String(), value: Type.Union([Type.Number(), Type.String(), Type.Boolean()]), ts: Type.Integer({ description: 'Unix ms' }) }, { description: 'The reading that opened it' }),
  ),
  owners: Type.Array(AlertOwnerSchema, { description: 'The owners when it opened' }),
  ticketId: Nullable(Type.String({ format: 'uuid' })),
  diagnosis: Type.Object({ summary: Type.String(), details: Type.String(), source: Type.String({ description: 'rules or llm' }) }),
});
