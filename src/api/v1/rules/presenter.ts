import { Type } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import { isDomainError } from '../../../domain/errors.js';
import type { Rule } from '../../../domain/rules/model.js';
import { principalOf } from '../auth.js';
import { V1Error } from '../errors.js';
import { Timestamp } from '../schemas.js';

const ComparisonValue = Type.Union([Type.Number(), Type.String(), Type.Boolean()]);

export const RuleSchema = Type.Object({
  id: Type.String({ format: 'uuid' }),
  name: Type.String(),
  deviceType: Type.Union([Type.String(), Type.Null()], { description: 'Devices of this type; null: every device' }),
  severity: Type.String({ description: 'critical, major, minor or warning' }),
  condition: Type.Object(
    {
      kind: Type.String({ description: 'threshold, inactivity or anomaly' }),
      key: Type.Optional(Type.String()),
      op: Type.Optional(Type.String()),
      value: Type.Optional(ComparisonValue),
      forSeconds: Type.Optional(Type.Number()),
      count: Type.Optional(Type.Integer()),
      timeoutSeconds: Type.Optional(Type.Number()),
      zScore: Type.Optional(Type.Number()),
      minSamples: Type.Optional(Type.Integer()),
    },
    { description: 'threshold: key, op, value, forSeconds, count; inactivity: timeoutSeconds; anomaly: key, zScore, minSamples' },
  ),
  clear: Type.Union([Type.Object({ op: Type.String(), value: ComparisonValue, forSeconds: Type.Number() }), Type.Null()]),
  createTicket: Type.Boolean(),
  ticketPriority: Type.String({ description: 'low, medium, high or urgent' }),
  notifyOwners: Type.Boolean(),
  enabled: Type.Boolean(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});

export function presentRule(rule: Rule) {
  const { organizationId: _organizationId, ...rest } = rule;
  return rest;
}

/** The fields a client may send, on POST (name and condition required there) and PATCH (any subset). */
export const RuleBodyFields = {
  name: Type.String({ minLength: 1, maxLength: 255 }),
  deviceType: Type.Union([Type.String({ minLength: 1, maxLength: 255 }), Type.Null()]),
  severity: Type.Union([Type.Literal('critical'), Type.Literal('major'), Type.Literal('minor'), Type.Literal('warning')]),
  // Checked field by field in the domain (domain/rules/model.ts), so that an error names e.g. condition.op.
  condition: Type.Object({}, { additionalProperties: true, description: 'kind and its fields (see the rule schema)' }),
  clear: Type.Union([Type.Object({}, { additionalProperties: true }), Type.Null()]),
  createTicket: Type.Boolean(),
  ticketPriority: Type.Union([Type.Literal('low'), Type.Literal('medium'), Type.Literal('high'), Type.Literal('urgent')]),
  notifyOwners: Type.Boolean(),
  enabled: Type.Boolean(),
};

/** Everyone of the organization may read rules; on the dashboard only admins change them. */
export function requireRuleWriter(request: FastifyRequest): string {
  const principal = principalOf(request);
  if (principal.via === 'session' && principal.role !== 'admin') throw new V1Error('forbidden', 'Managing rules needs the admin role');
  return principal.organizationId;
}

export function ruleProblem(error: unknown): never {
  if (isDomainError(error, 'invalid_input')) throw new V1Error('bad_request', `${error.problem.field} ${error.problem.reason}`);
  if (isDomainError(error, 'rule_not_found')) throw new V1Error('not_found', 'Rule not found');
  throw error;
}
