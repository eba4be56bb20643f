import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { heapGrowingFlag } from '../src/heap-growth.js';
import { scratchDatabase } from './support/harness.js';
import { startServer } from './support/server-process.js';

const HEAP_GROWTH = fileURLToPath(new URL('../src/heap-growth.ts', import.meta.url));

/** Makes V8 print, at each full collection, the factor it applied: "[HeapController] Limit: … (factor)". */
const TRACE_FACTORS = ['--trace-gc-verbose', '--expose-gc'];

/**
 * The factor of the last full collection in a process's output (loading tsx may collect before the flag is set).
 * V8 prints it as `[HeapController] Limit: … (1.5)` in Node 20 and `[HeapController] factor 1.5 based on …` in Node 24.
 */
function lastGrowingFactor(output: string): string | undefined {
  const last = [...output.matchAll(/\[HeapController\] (?:Limit: .*\((\d+\.\d)\)|factor (\d+\.\d) )/g)].at(-1);
  return last?.[1] ?? last?.[2];
}

/** The factor a fresh Node process applies at a full collection forced after it ran limitHeapGrowth(). */
function factorAfterLimiting(nodeFlags: string[]): string | undefined {
  const script = `const m = await import(${JSON.stringify(HEAP_GROWTH)}); m.limitHeapGrowth(); globalThis.gc();`;
  const flags = [...nodeFlags, ...TRACE_FACTORS, '--import', 'tsx', '--input-type=module'];
  const run = spawnSync(process.execPath, [...flags, '-e', script], { encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  return lastGrowingFactor(run.stdout);
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

  it('is set by the server process as it starts', async () => {
    const scratch = await scratchDatabase('sqlite');
    // A full collection every 100 ms, so that one comes after the server's entry ran.
    const collectOften = 'data:text/javascript,setInterval(() => globalThis.gc(), 100).unref()';
    const server = await startServer({ DATABASE_URL: scratch.url, LOG_LEVEL: 'warn' }, 60_000, [...TRACE_FACTORS, '--import', collectOften]);
    try {
      assert.equal((await fetch(new URL('/healthz', server.baseUrl))).status, 200);
      await new Promise((resolve) => setTimeout(resolve, 300));
      assert.equal(lastGrowingFactor(server.output()), '1.5');
    } finally {
      server.child.kill('SIGKILL');
      await server.exited;
      await scratch.drop();
    }
  });
});
