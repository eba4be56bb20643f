// Where the server's log lines go: stdout, written asynchronously. pino's default destination writes each line
// with a blocking system call on the event loop before the request's answer can go out; this one hands lines to
// the operating system in the background, and lines logged while a write is in flight go out together with the
// next. What is still buffered is written out, synchronously, on shutdown and when the process dies of an error.
import pino from 'pino';

export interface LogDestination {
  readonly stream: pino.DestinationStream;
  /** Writes out every buffered line before returning. Safe to call at any time, also after an error. */
  flush(): void;
}

export function asyncStdout(): LogDestination {
  const destination = pino.destination({ dest: 1, sync: false });
  return {
    stream: destination,
    flush() {
      try {
        destination.flushSync();
      } catch {
        // Nothing buffered, or stdout is gone: there is nowhere left to write to.
      }
    },
  };
}
