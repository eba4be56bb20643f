// The line that hands a connection's publishes back to Aedes in the order they arrived, whatever order their work
// settles in; after a failure, nothing later is acknowledged.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InOrderReleases } from '../../src/ingest/in-order.js';

function deferred(): { promise: Promise<void>; resolve(): void; reject(error: Error): void } {
  let resolve!: () => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('InOrderReleases', () => {
  it('releases in the order added, each once every earlier one has settled', async () => {
    const line = new InOrderReleases();
    const released: Array<[number, string | null]> = [];
    const works = [deferred(), deferred(), deferred()];
    const settled = works.map((work, i) => line.add(work.promise, (error) => released.push([i, error?.message ?? null])));
    works[2]!.resolve();
    await settled[2];
    works[1]!.resolve();
    await settled[1];
    assert.deepEqual(released, []);
    works[0]!.resolve();
    await Promise.all(settled);
    assert.deepEqual(released, [
      [0, null],
      [1, null],
      [2, null],
    ]);
  });

  it('after a failure, releases the later ones with that failure', async () => {
    const line = new InOrderReleases();
    const released: Array<[number, string | null]> = [];
    const outcomes = [Promise.resolve(), Promise.reject(new Error('topic not allowed')), Promise.resolve()];
    await Promise.all(outcomes.map((work, i) => line.add(work, (error) => released.push([i, error?.message ?? null]))));
    assert.deepEqual(released, [
      [0, null],
      [1, 'topic not allowed'],
      [2, 'topic not allowed'],
    ]);
  });
});
