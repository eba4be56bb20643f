/** Emails are compared and stored trimmed and lower-cased. */
export function normalizeEmail(raw: string): string {
  return raw.trim().toLowerCase();
}

// "local@domain.tld" with no spaces: deliberately loose, because real addresses are stranger than any strict
// pattern, and the owner of the mailbox is the only real validator.
const PLAUSIBLE_EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@.]+$/;
const MAX_EMAIL_LENGTH = 254;

export function isPlausibleEmail(normalized: string): boolean {
  return normalized.length <= MAX_EMAIL_LENGTH && PLAUSIBLE_EMAIL.test(normalized) && !normalized.includes('\0');
}
