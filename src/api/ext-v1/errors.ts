// ext-v1 errors are `{"error": "<exact contract string>"}`, sometimes with documented sibling fields.
// Handlers throw ExtError; the scope's error handler (plugin.ts) writes it. Telemap adds `requestId`.
import { Type } from '@sinclair/typebox';

export class ExtError extends Error {
  constructor(
    readonly status: 400 | 401 | 404 | 405 | 409 | 413 | 414 | 415 | 429 | 500,
    message: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'ExtError';
  }
}

export const ExtErrorSchema = Type.Object(
  { error: Type.String(), requestId: Type.Optional(Type.String()) },
  { additionalProperties: true, description: 'ext-v1 error; some errors add documented sibling fields' },
);

export const EXT_MESSAGES = {
  unauthorized: 'Invalid or missing API key',
  invalidJson: 'Invalid JSON payload',
  notFound: 'Not found',
  methodNotAllowed: 'Method not allowed',
  payloadTooLarge: 'Payload too large',
  tooManyRequests: 'Too many requests',
  internal: 'Internal server error',
} as const;
