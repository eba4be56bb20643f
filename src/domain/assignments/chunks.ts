// Set-based statements bind one parameter per value. SQLite refuses a statement with more than 32766 bound
// parameters and PostgreSQL more than 65535; a request may name 1,000 items of several columns each, so lists and
// multi-row inserts are split to stay well under both.
export const MAX_BOUND_PARAMETERS = 10_000;

/** Consecutive slices of `items`, each small enough that `parametersPerItem` per item stays under the bound. */
export function* inChunks<T>(items: readonly T[], parametersPerItem = 1): Generator<T[]> {
  const size = Math.max(1, Math.floor(MAX_BOUND_PARAMETERS / parametersPerItem));
  for (let start = 0; start < items.length; start += size) yield items.slice(start, start + size);
}
