// Bulk writes cut their rows into slices by size: what one statement, or one turn of the event loop, carries.
import { setImmediate as nextTurn } from 'node:timers/promises';

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

/**
 * Runs `write` on each slice in order, with a turn of the event loop between one slice and the next, so that
 * other requests are served while a long run of statements goes on (docs/security.md). Inside a transaction it
 * keeps the transaction's connection throughout: the slices still commit together or not at all.
 */
export async function inTurns<T>(slices: readonly T[][], write: (slice: T[]) => Promise<void> | void): Promise<void> {
  for (const [index, slice] of slices.entries()) {
    if (index > 0) await nextTurn();
    await write(slice);
  }
}
