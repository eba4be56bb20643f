// A read started inside a write's work would wait for SQLite's one connection, which that write holds until its
// work is done: a deadlock. Such a read is refused at once instead. While a write is open, a read asks whether it
// was called from inside a write's work, which V8's async stack trace tells: it follows the chain of awaits back
// to `runWriteWork` (when the work and the functions it calls await what they call, as Telemap's code does). A
// read from another request, waiting for the write to end, has no such frame. Only reads made while a write is
// open pay for the stack trace. AsyncLocalStorage would tell the same without the stack, but on Node 20 it slows
// every promise of the process down.

export class ReadInsideWriteError extends Error {
  constructor() {
    super('a read was started inside a write transaction and would wait for it for ever: read through the transaction instead');
    this.name = 'ReadInsideWriteError';
  }
}

export class OpenWrite {
  #open = 0;

  /** True while a write transaction holds the connection. */
  get isOpen(): boolean {
    return this.#open > 0;
  }

  begin(): void {
    this.#open++;
  }

  end(): void {
    this.#open--;
  }

  /** Runs `work` counted as an open write. */
  async during<T>(work: () => Promise<T>): Promise<T> {
    this.begin();
    try {
      return await work();
    } finally {
      this.end();
    }
  }

  /** Throws ReadInsideWriteError when called from inside a write's work (see above). */
  refuseReadInsideWrite(): void {
    if (this.#open > 0 && calledFromWriteWork()) throw new ReadInsideWriteError();
  }
}

/** Runs a write's work; every write runs its work through this, so that reads can find it in their stack. */
export async function runWriteWork<A, T>(work: (trx: A) => Promise<T>, trx: A): Promise<T> {
  return await work(trx);
}

const MARK = `at async ${runWriteWork.name} `;

function calledFromWriteWork(): boolean {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 200;
  try {
    return new Error().stack?.includes(MARK) ?? false;
  } finally {
    Error.stackTraceLimit = limit;
  }
}
