// A job that runs every interval until stopped: one pass at a time (a pass still running when the timer fires is
// not doubled up), a timer that never keeps the process alive, and failures handed to the caller rather than thrown,
// so that the next pass simply tries again.

export interface Periodic {
  /** Stops the timer and waits for the pass in progress, if any. */
  stop(): Promise<void>;
}

export interface PeriodicOptions {
  intervalMs: number;
  /** Run a first pass at once instead of after one interval. */
  runNow?: boolean;
  onError(error: unknown): void;
}

export function startPeriodic(pass: () => Promise<void>, options: PeriodicOptions): Periodic {
  let running: Promise<void> | undefined;
  let stopped = false;
  const run = () => {
    if (stopped || running) return;
    running = pass()
      .catch((error: unknown) => options.onError(error))
      .finally(() => {
        running = undefined;
      });
  };
  const timer = setInterval(run, options.intervalMs);
  timer.unref();
  if (options.runNow) run();
  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
