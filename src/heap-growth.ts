// How far V8 lets the heap grow before its next full collection, for the server process.
//
// After each full collection V8 sets the next one's threshold at a multiple of what survived: up to 4× on a
// machine with this much memory, and the more it can afford the larger the multiple. Under bulk-metadata load the
// server kept about 35 MB alive, but let the old generation reach 100–140 MB between collections, and its resident
// memory passed 300 MB (docs/performance/experiments.md, "The heap grows by half before a full collection"). A fixed 1.5×
// collects sooner. Unlike a cap (--max-old-space-size) it cannot make the process run out of memory: the threshold
// follows whatever is alive, however large.
//
// V8 reads this flag each time it sets a threshold, so setting it once the process runs takes effect from the next
// full collection on; a child process started with --trace-gc-verbose shows the factor (test/heap-growth.test.ts).
import { setFlagsFromString } from 'node:v8';

const HEAP_GROWING_PERCENT = 50;

const GROWING_PERCENT_FLAG = /^--heap[-_]growing[-_]percent(=|$)/;

/**
 * The V8 flag the server sets, or undefined when the operator gave a factor of their own on node's command line
 * (`node --heap-growing-percent=100 dist/main.js`; 0 restores V8's own choice). Node refuses this flag in
 * NODE_OPTIONS, so the command line is the only place to look.
 */
export function heapGrowingFlag(execArgv: readonly string[]): string | undefined {
  if (execArgv.some((arg) => GROWING_PERCENT_FLAG.test(arg))) return undefined;
  return `--heap-growing-percent=${HEAP_GROWING_PERCENT}`;
}

export function limitHeapGrowth(): void {
  const flag = heapGrowingFlag(process.execArgv);
  if (flag) setFlagsFromString(flag);
}
