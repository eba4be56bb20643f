// Bulk writes cut their rows into slices by size: what one statement, or one turn of the event loop, carries.

/**
 * The items in order, cut into slices whose sizes add up to at most `limit` (an item larger than `limit` makes a
 * slice of its own).
 */
export function slicesBySize<T>(items: Iterable<T>, sizeOf: (item: T) => number, limit: number): T[][] {
  const slices: T[][] = [];
  let current: T[] = [];
  let size = 0;
  for (const item of items) {
    const itemSize = sizeOf(item);
    if (current.length > 0 && size + itemSize > limit) {
      slices.push(current);
      current = [];
      size = 0;
    }
    current.push(item);
    size += itemSize;
  }
  if (current.length > 0) slices.push(current);
  return slices;
}
