// The delivery worker, one per process: fans recorded events out into deliveries and runs their attempts. Work is
// claimed in the database (outbox/claim.ts), so any number of processes can run it on one PostgreSQL database. It
// wakes after a commit in this process that may have recorded an event, and polls for the rest (events recorded by
// other processes, retries coming due, leases of attempts a dead process left behind).
import { setMaxListeners } from 'node:events';
import { onCommitted } from '../../db/commit-signal.js';
import type { DomainContext } from '../context.js';
import type { Mailer } from '../mail/mailer.js';
import { resolveWithDns, type ResolveAll } from '../webhooks/http-sender.js';
import { runAttempt } from './attempt.js';
import { claimDueDeliveries, type AttemptOutcome, type ClaimedDelivery } from './deliveries.js';
import { eventsRecordedInProcess } from './events.js';
import { fanOutEvents } from './fan-out.js';
import { OUTBOX_RETENTION_MS, pruneOutbox } from './prune.js';
import { recordAttempts } from './record.js';
import { outcomeRecorder } from './recorder.js';
import { STANDARD_RETRY_POLICY, type RetryPolicy } from './retry-schedule.js';
import { WorkHint } from './work-hint.js';

export interface OutboxWorkerOptions {
  /** How often to look for work recorded elsewhere or come due (default 250 ms). */
  pollIntervalMs: number;
  /** A webhook answer must come within this (default 10 s); also bounds one e-mail. */
  requestTimeoutMs: number;
  /** How long a claimed attempt is held before another process may take it over (default: timeout + 10 s). */
  leaseMs: number;
  retryPolicy: RetryPolicy;
  /** Attempts running at once in this process (default 32). */
  maxInFlight: number;
  /** On stop, how long attempts in flight may finish before they are interrupted (default 5 s). */
  drainTimeoutMs: number;
  /** Slack endpoints get at most one message per this interval (default 1 s). */
  slackIntervalMs: number;
  /** An endpoint failing for this long without a success is disabled (default 5 days). */
  disableAfterFailingMs: number;
  /** Name resolution for webhook hosts (tests make names resolve where they like). */
  resolve: ResolveAll;
  /** How long finished events and their deliveries are kept (default 30 days), and how often older ones go (1 h). */
  retentionMs: number;
  pruneIntervalMs: number;
}

export const DEFAULT_WORKER_OPTIONS: OutboxWorkerOptions = Object.freeze({
  pollIntervalMs: 250,
  requestTimeoutMs: 10_000,
  leaseMs: 20_000,
  retryPolicy: STANDARD_RETRY_POLICY,
  maxInFlight: 32,
  drainTimeoutMs: 5_000,
  slackIntervalMs: 1_000,
  disableAfterFailingMs: 5 * 24 * 60 * 60 * 1000,
  resolve: resolveWithDns,
  retentionMs: OUTBOX_RETENTION_MS,
  pruneIntervalMs: 60 * 60 * 1000,
});

export interface OutboxWorkerSettings {
  allowPrivate: boolean;
  publicUrl: string | null;
  /** Null: owners are not e-mailed. */
  mailer: Mailer | null;
  /** Failures of the worker itself (the database unreachable, say); never a secret in them. */
  onError(error: unknown, what: string): void;
}

export interface OutboxWorker {
  /** Look for work now. */
  nudge(): void;
  /** Stops claiming, lets attempts in flight finish (up to drainTimeoutMs), interrupts the rest. */
  stop(): Promise<void>;
}

/** How long after a commit that recorded events the worker looks for them, gathering the commits meanwhile. */
const COMMIT_COALESCE_MS = 20;

const FAN_OUT_BATCH = 100;

export function startOutboxWorker(
  ctx: DomainContext,
  settings: OutboxWorkerSettings,
  overrides: Partial<OutboxWorkerOptions> = {},
): OutboxWorker {
  const options: OutboxWorkerOptions = { ...DEFAULT_WORKER_OPTIONS, ...overrides };
  if (overrides.requestTimeoutMs !== undefined && overrides.leaseMs === undefined) options.leaseMs = options.requestTimeoutMs + 10_000;
  const abort = new AbortController();
  // Every attempt in flight listens to it.
  setMaxListeners(0, abort.signal);
  const inFlight = new Set<Promise<void>>();
  let stopping = false;
  let cycling: Promise<void> | null = null;
  let again = false;
  let seenEvents = eventsRecordedInProcess();
  const eventsWaiting = new WorkHint();
  const deliveriesDue = new WorkHint();
  const recorder = outcomeRecorder(
    (group) => recordAttempts(ctx, group, { disableAfterFailingMs: options.disableAfterFailingMs }),
    (error) => settings.onError(error, 'recording a delivery attempt failed'),
  );

  // One batch per turn of the cycle, so that the first deliveries are claimed before the rest is fanned out.
  const fanOut = async () => {
    const look = eventsWaiting.take();
    if (!look) return;
    const taken = await fanOutEvents(ctx, { mailEnabled: settings.mailer !== null, batchSize: FAN_OUT_BATCH, probe: look.probe });
    if (taken.deliveries > 0) deliveriesDue.some();
    if (taken.events === FAN_OUT_BATCH) {
      eventsWaiting.some();
      again = true;
    }
  };

  const claim = async () => {
    const room = options.maxInFlight - inFlight.size;
    // Claims are made in batches (a claim is a transaction): a quarter of the slots free, or nothing in flight.
    if (room < Math.max(1, Math.floor(options.maxInFlight / 4))) return;
    const look = deliveriesDue.take();
    if (!look) return;
    const claim = { limit: room, leaseMs: options.leaseMs, slackIntervalMs: options.slackIntervalMs, probe: look.probe };
    const { claimed, more } = await claimDueDeliveries(ctx, claim);
    for (const delivery of claimed) start(delivery);
    // A full batch, or one that left a paced Slack endpoint's deliveries behind others, means more may be due; a
    // Slack endpoint's next message waits for its pace, not for a poll.
    if (claimed.length === room || (more && claimed.length > 0)) {
      deliveriesDue.some();
      again = true;
    }
  };

  const cycle = async () => {
    do {
      again = false;
      try {
        if (!stopping) await fanOut();
        if (!stopping) await claim();
      } catch (error) {
        settings.onError(error, 'outbox worker cycle failed');
        return;
      }
    } while (again && !stopping);
  };

  /** Work recorded elsewhere, or come due with time, is found by polling. */
  const poll = () => {
    eventsWaiting.maybe();
    deliveriesDue.maybe();
    wake();
  };

  const wake = () => {
    if (stopping) return;
    if (cycling) {
      again = true;
      return;
    }
    cycling = cycle().finally(() => {
      cycling = null;
    });
  };

  const start = (delivery: ClaimedDelivery) => {
    const running = (async () => {
      let outcome: AttemptOutcome;
      try {
        outcome = await runAttempt(ctx, delivery, {
          requestTimeoutMs: options.requestTimeoutMs,
          allowPrivate: settings.allowPrivate,
          publicUrl: settings.publicUrl,
          resolve: options.resolve,
          retryPolicy: options.retryPolicy,
          mailer: settings.mailer,
          signal: abort.signal,
        });
      } catch (error) {
        settings.onError(error, 'delivery attempt failed unexpectedly');
        return; // The lease runs out and the attempt is made again.
      }
      // The slot stays taken until the outcome is committed, and stop() waits for that too.
      await recorder.record({ delivery, outcome });
    })();
    inFlight.add(running);
    void running.finally(() => {
      inFlight.delete(running);
      wake();
    });
  };

  // Under load, commits that record events come by the hundred per second: the events of a short window are
  // fanned out together, rather than in a write transaction after every commit, which on SQLite would take the
  // single writer between every group of requests.
  let commitWake: NodeJS.Timeout | undefined;
  const unsubscribe = onCommitted(() => {
    const recorded = eventsRecordedInProcess();
    if (recorded === seenEvents) return;
    seenEvents = recorded;
    eventsWaiting.some();
    // A webhook.test event is written with its delivery.
    deliveriesDue.maybe();
    commitWake ??= setTimeout(() => {
      commitWake = undefined;
      wake();
    }, COMMIT_COALESCE_MS);
  });
  const timer = setInterval(poll, options.pollIntervalMs);
  timer.unref();
  poll();
  let pruning: Promise<void> = Promise.resolve();
  const prune = () => {
    pruning = pruning
      .then(() => pruneOutbox(ctx, options.retentionMs))
      .then(
        () => undefined,
        (error: unknown) => settings.onError(error, 'removing old outbox events failed'),
      );
  };
  const pruneTimer = setInterval(prune, options.pruneIntervalMs);
  pruneTimer.unref();
  prune();

  return {
    nudge: poll,
    async stop() {
      if (stopping) return;
      stopping = true;
      clearInterval(timer);
      clearInterval(pruneTimer);
      unsubscribe();
      clearTimeout(commitWake);
      await cycling;
      await pruning;
      if (inFlight.size > 0) {
        let timeout: NodeJS.Timeout | undefined;
        const drained = Promise.all([...inFlight]).then(() => true);
        const late = new Promise<boolean>((resolve) => {
          timeout = setTimeout(() => resolve(false), options.drainTimeoutMs);
        });
        const finished = await Promise.race([drained, late]);
        clearTimeout(timeout);
        if (!finished) {
          abort.abort();
          await Promise.all([...inFlight]);
        }
      }
      settings.mailer?.close();
    },
  };
}
