// The Exotel-style envelope of every /v2/integrations response, success or failure:
//   {"RequestId": "<id>", "Status": "Success" | "Failed", "Code": <HTTP status>, "Error": "" | "<message>", "Data": …}
// Handlers return `success(...)` or throw IntegrationError; the scope's error handler (plugin.ts) writes failures.
import { Type, type TSchema } from '@sinclair/typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';

export type IntegrationStatus = 400 | 401 | 404 | 405 | 409 | 413 | 414 | 500;

export class IntegrationError extends Error {
  constructor(
    readonly status: IntegrationStatus,
    message: string,
  ) {
    super(message);
    this.name = 'IntegrationError';
  }
}

export const MESSAGES = {
  unauthorized: 'Unauthorized. Check the entity id and secret.',
  adminUnauthorized: 'Unauthorized. Send the platform admin token (TELEMAP_ADMIN_TOKEN) in the Authorization header.',
  provisioningDisabled:
    'Organization provisioning is not enabled on this server: the operator must set TELEMAP_ADMIN_TOKEN ' +
    '(and callers send it in the Authorization header), or set TELEMAP_OPEN_SIGNUP=true.',
  invalidJson: 'Invalid JSON payload',
  notFound: 'Not found',
  methodNotAllowed: 'Method not allowed',
  payloadTooLarge: 'Payload too large',
  internal: 'Internal server error',
} as const;

export function envelopeSchema(data: TSchema, description: string) {
  return Type.Object(
    {
      RequestId: Type.String(),
      Status: Type.Literal('Success'),
      Code: Type.Integer(),
      Error: Type.Literal(''),
      Data: data,
    },
    { description },
  );
}

export const FailureSchema = Type.Object(
  {
    RequestId: Type.String(),
    Status: Type.Literal('Failed'),
    Code: Type.Integer({ description: 'Equals the HTTP status' }),
    Error: Type.String(),
    Data: Type.Null(),
  },
  { description: 'Failure envelope' },
);

export function success<T>(request: FastifyRequest, data: T) {
  return { RequestId: request.id, Status: 'Success' as const, Code: 200, Error: '' as const, Data: data };
}

export function sendFailure(request: FastifyRequest, reply: FastifyReply, status: IntegrationStatus, message: string) {
  return reply
    .code(status)
    .type('application/json')
    .send({ RequestId: request.id, Status: 'Failed', Code: status, Error: message, Data: null });
}
