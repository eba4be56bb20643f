// The queue shared by the group commit and the read group: works started in one turn of the event loop wait
// together, and once per turn (setImmediate, which runs after the event loop has read every request that was
// ready) the queue is handed to whoever runs them. One work alone waits for nothing.

export interface Pending<W> {
  work: W;
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

/**
 * Returns `enqueue`, which queues a work and resolves with what it gives. `drain` is called at most once at a time,
 * with the queue itself: it takes works off the front until none are left, settles each one it takes, and may put
 * some back at the front for its next pass. Works queued while it runs join that same queue.
 */
export function turnQueue<W>(drain: (waiting: Array<Pending<W>>) => Promise<void>): <T>(work: W) => Promise<T> {
  const waiting: Array<Pending<W>> = [];
  let scheduled = false;
  const run = async () => {
    // Works queued while `drain` was settling its last ones (a caller's handler can queue the next one before
    // `drain` returns) would otherwise be left with nothing scheduled: look again, in the same step as the reset.
    do {
      await drain(waiting);
    } while (waiting.length > 0);
    scheduled = false;
  };
  return <T>(work: W) =>
    new Promise<T>((resolve, reject) => {
      waiting.push({ work, resolve: resolve as (value: unknown) => void, reject });
      if (!scheduled) {
        scheduled = true;
        setImmediate(() => void run());
      }
    });
}
