import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { heapGrowingFlag } from '../src/heap-growth.js';

const HEAP_GROWTH = fileURLToPath(new URL('../src/heap-growth.ts', import.meta.url));

/**
 * The growing factor a fresh Node process applies (`--trace-gc-verbose`: "[HeapController] Limit: old size: …, new
 * limit: … (factor)") at a full collection forced after it ran limitHeapGrowth(), the way the server's entry does.
 * The last one reported: loading tsx may collect before.
 */
function factorAfterLimiting(nodeFlags: string[]): string | undefined {
  const script = `const m = await import(${JSON.stringify(HEAP_GROWTH)}); m.limitHeapGrowth(); globalThis.gc();`;
  const flags = [...nodeFlags, '--trace-gc-verbose', '--expose-gc', '--import', 'tsx', '--input-type=module'];
  const run = spawnSync(process.execPath, [...flags, '-e', script], { encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  return [...run.stdout.matchAll(/\[HeapController\] Limit: .*\((\d+\.\d)\)/g)].at(-1)?.[1];
}

describe('heap growth', () => {
  it('sets a growing factor of 1.5 unless the operator gave one', () => {
    assert.equal(heapGrowingFlag([]), '--heap-growing-percent=50');
    assert.equal(heapGrowingFlag(['--enable-source-maps', '--max-old-space-size=512']), '--heap-growing-percent=50');
    assert.equal(heapGrowingFlag(['--heap-growing-percent=30']), undefined);
    assert.equal(heapGrowingFlag(['--heap_growing_percent=0']), undefined);
    assert.equal(heapGrowingFlag(['--heap-growing-percent', '30']), undefined);
  });

  it('takes effect in V8 at the next full collection, and leaves an operator-given factor alone', () => {
    assert.equal(factorAfterLimiting([]), '1.5');
    assert.equal(factorAfterLimiting(['--heap-growing-percent=30']), '1.3');
  });
});
