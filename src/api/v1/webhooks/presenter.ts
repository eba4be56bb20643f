// Wire shapes of /api/v1/webhooks, and the mapping of the webhook domain's problems to /api/v1 errors.
import { Type } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import { isDomainError } from '../../../domain/errors.js';
import { EVENT_TYPES } from '../../../domain/outbox/events.js';
import { DESCRIPTION_MAX_LENGTH, URL_MAX_LENGTH } from '../../../domain/webhooks/service.js';
import { principalOf } from '../auth.js';
import { V1Error } from '../errors.js';
import { tagged, Timestamp } from '../schemas.js';

export const EventTypeSchema = Type.Union(
  EVENT_TYPES.map((t) => Type.Literal(t)),
  { description: 'An event type' },
);
export const EventsSchema = Type.Array(EventTypeSchema, { minItems: 1, maxItems: EVENT_TYPES.length, uniqueItems: true });
export const UrlSchema = Type.String({ minLength: 1, maxLength: URL_MAX_LENGTH, description: 'http:// or https://' });
export const DescriptionSchema = Type.String({ maxLength: DESCRIPTION_MAX_LENGTH });
const Nullable = <T extends ReturnType<typeof Type.String>>(schema: T) => Type.Union([schema, Type.Null()]);

export const WebhookSchema = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    url: Type.String(),
    events: Type.Array(Type.String(), { description: 'The event types it receives' }),
    format: Type.Union([Type.Literal('standard'), Type.Literal('slack')]),
    description: Type.Union([Type.String(), Type.Null()]),
    enabled: Type.Boolean(),
    disabledReason: Type.Union([Type.String(), Type.Null()], {
      description: 'Why the server disabled it (410 Gone, failing for 5 days); null otherwise',
    }),
    disabledAt: Nullable(Timestamp),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  },
  { description: 'A webhook endpoint (never its secret)' },
);

export const NewWebhookSchema = Type.Composite([
  WebhookSchema,
  Type.Object({ secret: Type.String({ description: 'whsec_…: the signing secret, shown in this response only' }) }),
]);

export const DeliverySchema = Type.Object({
  id: Type.String({ format: 'uuid' }),
  eventId: Type.String(),
  type: Type.String(),
  attempt: Type.Integer({ description: 'Attempts made so far' }),
  status: Type.Union([Type.Literal('pending'), Type.Literal('delivered'), Type.Literal('failed')]),
  responseStatus: Type.Union([Type.Integer(), Type.Null()]),
  error: Type.Union([Type.String(), Type.Null()]),
  nextAttemptAt: Nullable(Timestamp),
  deliveredAt: Nullable(Timestamp),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});

export const WebhookIdParams = Type.Object({ id: Type.String({ description: 'The webhook endpoint id' }) });

export const routeSchemaBase = tagged('webhooks');

/** Changing webhooks takes an organization credential or an admin's session; agents may only look. */
export function requireWebhookManager(request: FastifyRequest): string {
  const principal = principalOf(request);
  if (principal.via === 'session' && principal.role !== 'admin') throw new V1Error('forbidden', 'Managing webhooks needs the admin role');
  return principal.organizationId;
}

export function webhookProblem(error: unknown): never {
  if (isDomainError(error, 'webhook_not_found')) throw new V1Error('not_found', 'Webhook not found');
  if (isDomainError(error, 'invalid_input')) throw new V1Error('bad_request', `${error.problem.field} ${error.problem.reason}`);
  throw error;
}
