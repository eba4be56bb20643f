// A few worker threads running one program, for work a request needs done that would hold the event loop too long
// (parsing a 10 MiB JSON body, say). Threads start on first use, at most `size` of them; a task that finds them all
// busy waits for one. A thread that fails or exits fails the task it was running instead of leaving it waiting,
// and the next task starts a new thread. `close` ends them all (the app's onClose).
//
// The program answers each message with `{ result }`, or `{ error: message }` for a failure of its own.
import { Worker, type TransferListItem } from 'node:worker_threads';

export interface WorkerPool<Input, Output> {
  /** Runs one task; `transfer` hands those buffers to the thread instead of copying them (they become unusable here). */
  run(input: Input, transfer?: readonly TransferListItem[]): Promise<Output>;
  /** Ends every thread; tasks still running or waiting fail. */
  close(): Promise<void>;
}

interface Task {
  input: unknown;
  transfer: readonly TransferListItem[];
  resolve(value: unknown): void;
  reject(error: Error): void;
}

interface Thread {
  worker: Worker;
  task: Task | undefined;
}

type Reply = { result: unknown } | { error: string };

export function workerPool<Input, Output>(program: URL, size: number): WorkerPool<Input, Output> {
  const threads = new Set<Thread>();
  const idle: Thread[] = [];
  const waiting: Task[] = [];
  let closed = false;

  const give = (thread: Thread, task: Task) => {
    thread.task = task;
    // An idle thread must not keep a finished process alive; a busy one must, or the task's promise never settles.
    thread.worker.ref();
    thread.worker.postMessage(task.input, task.transfer);
  };

  const dispatch = () => {
    while (waiting.length > 0) {
      const thread = idle.pop() ?? (threads.size < size ? start() : undefined);
      if (!thread) return;
      give(thread, waiting.shift()!);
    }
  };

  const finish = (thread: Thread): Task | undefined => {
    const task = thread.task;
    thread.task = undefined;
    return task;
  };

  const start = (): Thread => {
    const thread: Thread = { worker: new Worker(program), task: undefined };
    threads.add(thread);
    thread.worker.on('message', (reply: Reply) => {
      const task = finish(thread);
      if ('error' in reply) task?.reject(new Error(reply.error));
      else task?.resolve(reply.result);
      thread.worker.unref();
      idle.push(thread);
      dispatch();
    });
    // An uncaught exception in the thread: 'exit' follows. The thread stays referenced until then, so that the
    // process lives on to start the next one for a waiting task.
    thread.worker.on('error', (error) => finish(thread)?.reject(error));
    thread.worker.on('exit', (code) => {
      threads.delete(thread);
      const at = idle.indexOf(thread);
      if (at >= 0) idle.splice(at, 1);
      finish(thread)?.reject(new Error(`worker thread exited (code ${code}) before answering`));
      if (!closed) dispatch();
    });
    return thread;
  };

  return {
    run(input, transfer = []) {
      if (closed) return Promise.reject(new Error('worker pool is closed'));
      return new Promise<Output>((resolve, reject) => {
        waiting.push({ input, transfer, resolve: resolve as (value: unknown) => void, reject });
        dispatch();
      });
    },
    async close() {
      closed = true;
      for (const task of waiting.splice(0)) task.reject(new Error('worker pool is closed'));
      await Promise.all([...threads].map((thread) => thread.worker.terminate()));
    },
  };
}
