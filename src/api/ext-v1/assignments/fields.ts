// Request fields shared by the assignment endpoints, with the contract's exact messages.
import { Type } from '@sinclair/typebox';
import { isPlausibleEmail, normalizeEmail } from '../../../domain/customers/email.js';
import { badRequest, MAX_LIST_ITEMS, optionalBoolean, optionalString, requiredNonEmptyArray, type JsonObject } from '../body.js';
import { requiredEmail } from '../customers/email-field.js';
import { requiredIdentifier, requiredIdentifierList } from '../devices/identifier-field.js';

export const customerEmailField = (body: JsonObject): string => requiredEmail(body, 'customerEmail');

export const deviceIdentifierField = (body: JsonObject): string => requiredIdentifier(body, 'deviceIdentifier');

/** Trimmed, distinct (first occurrence kept), in request order; non-strings and blanks are dropped. */
const deviceIdentifiersField = (body: JsonObject): string[] => requiredIdentifierList(body, 'deviceIdentifiers');

/** The body fields of the endpoints on several devices of one customer, as their schemas document them. */
export const customerDevicesSchema = {
  customerEmail: Type.String({ format: 'email' }),
  deviceIdentifiers: Type.Array(Type.String(), { minItems: 1, maxItems: MAX_LIST_ITEMS, description: 'Trimmed; duplicates collapse' }),
};

/** `customerEmail`, then `deviceIdentifiers`: the endpoints on several devices of one customer check them in this order. */
export function customerDevicesFields(body: JsonObject): { email: string; deviceIdentifiers: string[] } {
  const email = customerEmailField(body);
  return { email, deviceIdentifiers: deviceIdentifiersField(body) };
}

/** Normalized, distinct (first occurrence kept), in request order; invalid or empty entries are skipped. */
export function customerEmailsField(body: JsonObject): string[] {
  const items = requiredNonEmptyArray(body, 'customerEmails', 'customerEmails must be a non-empty array');
  const emails = new Set<string>();
  for (const item of items) {
    if (typeof item !== 'string') continue;
    const email = normalizeEmail(item);
    if (isPlausibleEmail(email)) emails.add(email);
  }
  if (emails.size === 0) throw badRequest('No valid customer emails provided');
  return [...emails];
}

/**
 * The type to create missing devices with, or undefined when auto-create is off. Checked up front: auto-create
 * without a non-empty `deviceType` is refused even when every device exists.
 */
export function typeForAutoCreate(body: JsonObject, flag: 'autoCreateDevice' | 'autoCreateDevices'): string | undefined {
  const autoCreate = optionalBoolean(body, flag) === true;
  const deviceType = optionalString(body, 'deviceType')?.trim();
  if (!autoCreate) return undefined;
  if (!deviceType) throw badRequest('deviceType is required when creating a new device');
  return deviceType;
}
