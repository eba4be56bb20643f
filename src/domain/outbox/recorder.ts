// Group commit of attempt outcomes inside the worker: at most one recording transaction at a time, and the outcomes
// of the attempts that finish while it runs are recorded together in the next one. A busy worker then commits once
// per group instead of once per delivery (outbox/record.ts), and an idle one records an outcome at once.
import type { FinishedAttempt } from './record.js';

export interface OutcomeRecorder {
  /**
   * Resolves once the outcome is committed, or once recording it failed (told to onError; the delivery's lease then
   * runs out and the attempt is made again). Never rejects.
   */
  record(finished: FinishedAttempt): Promise<void>;
}

export function outcomeRecorder(
  write: (group: FinishedAttempt[]) => Promise<void>,
  onError: (error: unknown) => void,
): OutcomeRecorder {
  let waiting: Array<{ finished: FinishedAttempt; recorded: () => void }> = [];
  let writing = false;

  const writeGroup = async (group: FinishedAttempt[]) => {
    try {
      await write(group);
      return;
    } catch (error) {
      if (group.length === 1) {
        onError(error);
        return;
      }
    }
    // An outcome the database refuses must not take the others of its group down with it.
    for (const finished of group) {
      try {
        await write([finished]);
      } catch (error) {
        onError(error);
      }
    }
  };

  const writeGroups = async () => {
    // Attempts whose answers arrive in the same turn of the event loop share the first group.
    await new Promise<void>((resolve) => setImmediate(resolve));
    while (waiting.length > 0) {
      const group = waiting;
      waiting = [];
      await writeGroup(group.map((g) => g.finished));
      for (const g of group) g.recorded();
    }
    writing = false;
  };

  return {
    record(finished) {
      return new Promise((resolve) => {
        waiting.push({ finished, recorded: resolve });
        if (writing) return;
        writing = true;
        void writeGroups();
      });
    },
  };
}
