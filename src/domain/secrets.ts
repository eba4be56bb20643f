// Secrets (API keys, integration secrets and tokens) are random, high-entropy strings. They are stored only as a
// SHA-256 digest: a slow hash would add nothing against guessing 240 random bits and would cost every request.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** `prefix` followed by `length` URL-safe random characters (6 bits each). */
export function generateSecret(prefix: string, length = 40): string {
  const bytes = randomBytes(Math.ceil((length * 6) / 8));
  return prefix + bytes.toString('base64url').slice(0, length);
}

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/** Constant-time comparison of two hex digests. */
export function digestsEqual(a: string, b: string): boolean {
  const left = Buffer.from(a, 'hex');
  const right = Buffer.from(b, 'hex');
  return left.length === right.length && timingSafeEqual(left, right);
}
