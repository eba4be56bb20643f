// @ts-check
// How deep a parsed JSON value nests. Plain JavaScript, type-checked through JSDoc, so that worker threads can load
// it too (Node 20 does not apply the TypeScript loader to them; see db/sqlite/checkpoint-worker.js).

/** Deeper JSON objects are refused: storing, reading or copying one recurses once per level. */
export const MAX_JSON_DEPTH = 32;

/**
 * False for a JSON value nested more than MAX_JSON_DEPTH levels deep.
 * @param {unknown} value
 * @returns {boolean}
 */
export function isWithinJsonDepth(value) {
  return depthOf(value, 0) <= MAX_JSON_DEPTH;
}

/**
 * @param {unknown} value
 * @param {number} depth
 * @returns {number}
 */
function depthOf(value, depth) {
  if (depth > MAX_JSON_DEPTH || typeof value !== 'object' || value === null) return depth;
  let deepest = depth + 1;
  for (const child of Object.values(value)) deepest = Math.max(deepest, depthOf(child, depth + 1));
  return deepest;
}
