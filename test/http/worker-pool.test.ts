import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { workerPool } from '../../src/http/worker-pool.js';

// The mechanism with a test program (support/worker-pool-program.js); what it does for bulk-metadata's answers is
// in test/api/ext-v1/bulk-metadata-large.test.ts.
const program = new URL('./support/worker-pool-program.js', import.meta.url);

describe('workerPool', () => {
  it('hands a buffer over without copying it and answers with the result', async () => {
    const pool = workerPool<unknown, { length: number; first: number }>(program, 2);
    try {
      const bytes = new Uint8Array([7, 8, 9]);
      assert.deepEqual(await pool.run({ echo: bytes }, [bytes.buffer]), { length: 3, first: 7 });
      assert.equal(bytes.byteLength, 0, 'the buffer was transferred, not copied');
    } finally {
      await pool.close();
    }
  });

  it("fails a task with the program's error, and goes on", async () => {
    const pool = workerPool<unknown, unknown>(program, 1);
    try {
      await assert.rejects(pool.run({ fail: 'no good' }), { message: 'no good' });
      assert.equal(await pool.run({ wait: 1 }), 'waited');
    } finally {
      await pool.close();
    }
  });

  it('fails the task of a thread that exits or throws instead of leaving it waiting, and starts another', async () => {
    const pool = workerPool<unknown, unknown>(program, 1);
    try {
      await assert.rejects(pool.run({ exit: 3 }), { message: 'worker thread exited (code 3) before answering' });
      await assert.rejects(pool.run({ throw: 'boom' }), { message: 'boom' });
      assert.equal(await pool.run({ wait: 1 }), 'waited');
    } finally {
      await pool.close();
    }
  });

  it('runs at most `size` tasks at once; the others wait their turn, even behind a thread that dies', async () => {
    const pool = workerPool<unknown, unknown>(program, 1);
    try {
      const order: string[] = [];
      const first = pool.run({ wait: 50 }).then(() => order.push('first'));
      const dying = pool.run({ exit: 1 }).catch(() => order.push('dying'));
      const last = pool.run({ wait: 1 }).then(() => order.push('last'));
      await Promise.all([first, dying, last]);
      assert.deepEqual(order, ['first', 'dying', 'last']);
    } finally {
      await pool.close();
    }
  });

  it('fails running and waiting tasks when closed, and every task after', async () => {
    const pool = workerPool<unknown, unknown>(program, 1);
    const running = assert.rejects(pool.run({ wait: 60_000 }), /worker thread exited/);
    const waiting = assert.rejects(pool.run({ wait: 1 }), { message: 'worker pool is closed' });
    await pool.close();
    await Promise.all([running, waiting]);
    await assert.rejects(pool.run({ wait: 1 }), { message: 'worker pool is closed' });
  });
});
