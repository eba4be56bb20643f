import { isPlausibleEmail, normalizeEmail } from '../../../domain/customers/email.js';
import { badRequest, type JsonObject } from '../body.js';

/** The contract's email rules: missing or empty → "Email is required"; implausible → "Invalid email format". */
export function requiredEmail(body: JsonObject, field = 'email'): string {
  const value = body[field];
  if (value === undefined || value === null || (typeof value === 'string' && value.trim() === '')) {
    throw badRequest('Email is required');
  }
  if (typeof value !== 'string') throw badRequest('Invalid email format');
  const email = normalizeEmail(value);
  if (!isPlausibleEmail(email)) throw badRequest('Invalid email format');
  return email;
}
