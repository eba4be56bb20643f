// Device identifiers as ext-v1 reads them: trimmed, non-empty, at most MAX_IDENTIFIER_LENGTH characters.
import { MAX_IDENTIFIER_LENGTH } from '../../../domain/devices/service.js';
import { badRequest, distinctTrimmedStrings, requiredNonEmptyArray, requiredTrimmedString, type JsonObject } from '../body.js';

const tooLong = (field: string) => badRequest(`${field} must be at most ${MAX_IDENTIFIER_LENGTH} characters`);

/** `<field> is required` when absent or blank. */
export function requiredIdentifier(body: JsonObject, field: string): string {
  const identifier = requiredTrimmedString(body, field, `${field} is required`);
  if (identifier.length > MAX_IDENTIFIER_LENGTH) throw tooLong(field);
  return identifier;
}

/** Trimmed, distinct (first occurrence kept), in request order; non-strings and blanks are dropped. */
export function requiredIdentifierList(body: JsonObject, field: string): string[] {
  const identifiers = distinctTrimmedStrings(requiredNonEmptyArray(body, field, `${field} must be a non-empty array`));
  if (identifiers.length === 0) throw badRequest('No valid device identifiers provided');
  if (identifiers.some((identifier) => identifier.length > MAX_IDENTIFIER_LENGTH)) throw tooLong(`${field} entries`);
  return identifiers;
}
