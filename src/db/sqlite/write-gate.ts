// SQLite only: lets the checkpoint thread hold back new write transactions for the few milliseconds it needs to copy
// the last of the WAL into the database file, so that the server's next write can start the WAL over from its
// beginning. Why that matters is in db/sqlite/checkpointer.ts. Reads never pass through the gate, and no
// correctness depends on it: a write that slips past (one not started through the gate) only means the WAL is not
// started over this time.

export class WriteGate {
  #writers = 0;
  /** Callers of `enter` held while the gate is closed. */
  #waiting = 0;
  /** Set while the gate is closed: resolves when it opens again. */
  #opened: Promise<void> | undefined;
  #open: (() => void) | undefined;
  /** Callers of `close` waiting for the writers inside to leave. */
  #drained: Array<() => void> = [];

  /** Waits while the gate is closed, then counts the caller as a writer until it calls `leave`. */
  async enter(): Promise<void> {
    if (this.#opened) {
      this.#waiting++;
      try {
        while (this.#opened) await this.#opened;
      } finally {
        this.#waiting--;
      }
    }
    this.#writers++;
  }

  /** How many writers wait at the closed gate: what a test holding writes back waits for, instead of a guess of time. */
  get waiting(): number {
    return this.#waiting;
  }

  leave(): void {
    this.#writers--;
    if (this.#writers === 0) this.#drained.splice(0).forEach((resolve) => resolve());
  }

  /** Closes the gate; resolves once no writer is left inside. Writers wait at `enter` until `open`. */
  close(): Promise<void> {
    if (!this.#opened) this.#opened = new Promise((resolve) => (this.#open = resolve));
    if (this.#writers === 0) return Promise.resolve();
    return new Promise((resolve) => this.#drained.push(resolve));
  }

  /** Lets the waiting writers in. Opening an open gate does nothing. */
  open(): void {
    const open = this.#open;
    this.#opened = undefined;
    this.#open = undefined;
    open?.();
  }

  /** Runs `write` as a writer: after the gate lets it in, and counted until it settles. */
  async through<T>(write: () => Promise<T>): Promise<T> {
    await this.enter();
    try {
      return await write();
    } finally {
      this.leave();
    }
  }
}
