// Where a parsed JSON value holds a NUL character, which PostgreSQL can neither store nor compare: /api/v1's
// validation (api/v1/validation.ts) and the telemetry batch reader, on the event loop or in a worker thread, ask
// the same question through this one function. Plain JavaScript so that a worker thread can load it.

/**
 * The dotted path of the first string or key holding NUL within `value` ('' for `value` itself), or undefined.
 * @param {unknown} value
 * @param {string} path
 * @returns {string | undefined}
 */
export function pathToNul(value, path) {
  if (typeof value === 'string') return value.includes('\0') ? path : undefined;
  if (typeof value !== 'object' || value === null) return undefined;
  for (const [key, child] of Object.entries(value)) {
    if (key.includes('\0')) return path === '' ? key : `${path}.${key}`;
    const found = pathToNul(child, path === '' ? key : `${path}.${key}`);
    if (found !== undefined) return found;
  }
  return undefined;
}
