// Waiting for something a test is not told of (a request reaching a held lock, a handler starting): poll for it,
// rather than sleep for a guessed time that a loaded machine need not honour.
import assert from 'node:assert/strict';

/** Polls `condition` every 10 ms until it holds; fails with `failure` once `timeoutMs` have passed. */
export async function until(condition: () => boolean | Promise<boolean>, failure: string, timeoutMs = 5000): Promise<void> {
  for (const started = Date.now(); !(await condition()); ) {
    if (Date.now() - started > timeoutMs) assert.fail(failure);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
