// Telemap's own error format for /api/v1 and for paths no surface owns:
//   {"error": {"code": "<stable machine-readable code>", "message": "<for people>", "requestId": "<id>"}}
// Clients branch on `code`; `message` may be reworded; `requestId` matches the x-request-id header and the logs.
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';

export const V1_ERROR_STATUS = {
  bad_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  payload_too_large: 413,
  uri_too_long: 414,
  unsupported_media_type: 415,
  rate_limited: 429,
  internal_error: 500,
  unavailable: 503,
} as const;

export type V1ErrorCode = keyof typeof V1_ERROR_STATUS;

export const V1ErrorSchema = Type.Object(
  {
    error: Type.Object({
      code: Type.String(),
      message: Type.String(),
      requestId: Type.String(),
    }),
  },
  { $id: 'V1Error', description: 'Error body of /api/v1' },
);
export type V1ErrorBody = Static<typeof V1ErrorSchema>;

/** The error body of every /api/v1 failure, for route schemas (a copy without $id, so each route can embed it). */
const { $id: _id, ...embeddableErrorSchema } = V1ErrorSchema;
export const ErrorResponses = { '4xx': embeddableErrorSchema, '5xx': embeddableErrorSchema };

export class V1Error extends Error {
  constructor(
    readonly code: V1ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'V1Error';
  }
  get status(): number {
    return V1_ERROR_STATUS[this.code];
  }
}

export function sendV1Error(request: FastifyRequest, reply: FastifyReply, code: V1ErrorCode, message: string) {
  const body: V1ErrorBody = { error: { code, message, requestId: request.id } };
  return reply.code(V1_ERROR_STATUS[code]).type('application/json').send(body);
}
