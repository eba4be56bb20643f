// Hand-written readers for request bodies, so that each failure has a message naming its field.
import { IntegrationError, MESSAGES } from './envelope.js';

export type JsonObject = Record<string, unknown>;

export function objectBody(body: unknown): JsonObject {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new IntegrationError(400, MESSAGES.invalidJson);
  return body as JsonObject;
}

/** A required string field: present, a string, not blank, without NUL characters; returned trimmed. */
export function requiredString(body: JsonObject, field: string, maxLength = 1000): string {
  const value = body[field];
  if (value === undefined || value === null) throw new IntegrationError(400, `${field} is required`);
  if (typeof value !== 'string') throw new IntegrationError(400, `${field} must be a string`);
  const trimmed = value.trim();
  if (trimmed === '') throw new IntegrationError(400, `${field} must not be empty`);
  if (trimmed.includes('\0')) throw new IntegrationError(400, `${field} must not contain NUL characters`);
  if (trimmed.length > maxLength) throw new IntegrationError(400, `${field} must be at most ${maxLength} characters`);
  return trimmed;
}
