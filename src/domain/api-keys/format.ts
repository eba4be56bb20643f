import { generateSecret } from '../secrets.js';

/** ext-v1 keys: `tlm_` then 40 random URL-safe characters (240 bits). */
export const API_KEY_PREFIX = 'tlm_';
const RANDOM_LENGTH = 40;
/** How much of a key is kept in clear to tell keys apart in lists: `tlm_` and 8 characters. */
const DISPLAY_LENGTH = API_KEY_PREFIX.length + 8;

export function generateApiKey(): string {
  return generateSecret(API_KEY_PREFIX, RANDOM_LENGTH);
}

export function displayPrefix(apiKey: string): string {
  return apiKey.slice(0, DISPLAY_LENGTH);
}

/** Cheap shape check so that garbage never reaches the database. */
export function looksLikeApiKey(value: string): boolean {
  return value.startsWith(API_KEY_PREFIX) && value.length >= API_KEY_PREFIX.length + 32 && value.length <= 200;
}
