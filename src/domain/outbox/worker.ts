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
import { claimDueDeliveries, recordAttempt, type AttemptOutcome, type ClaimedDelivery } from './deliveries.js';
import { eventsRecordedInProcess } from './events.js';
import { fanOutEvents } from './fan-out.js';
import { OUTBOX_RETENTION_MS, pruneOutbox } from './prune.js';
import { STANDARD_RETRY_POLICY, type RetryPolicy } from './retry-schedule.js';

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

  const cycle = async () => {
    do {
      again = false;
      try {
        while (!stopping && (await fanOutEvents(ctx, { mailEnabled: settings.mailer !== null, batchSize: FAN_OUT_BATCH })) === FAN_OUT_BATCH);
        const room = options.maxInFlight - inFlight.size;
        // Claims are made in batches (a claim is a transaction): a quarter of the slots free, or nothing in flight.
        if (stopping || room < Math.max(1, Math.floor(options.maxInFlight / 4))) continue;
        const claimed = await claimDueDeliveries(ctx, { limit: room, leaseMs: options.leaseMs, slackIntervalMs: options.slackIntervalMs });
        for (const delivery of claimed) start(delivery);
        // A full batch means more may be due; a Slack endpoint's next message waits for its pace, not for a poll.
        if (claimed.length === room) again = true;
      } catch (error) {
        settings.onError(error, 'outbox worker cycle failed');
        return;
      }
    } while (again && !stopping);
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
      try {
        await recordAttempt(ctx, delivery, outcome, { disableAfterFailingMs: options.disableAfterFailingMs });
      } catch (error) {
        settings.onError(error, 'recording a delivery attempt failed');
      }
    })();
    inFlight.add(running);
    void running.finally(() => {
      inFlight.delete(running);
      wake();
    });
  };

  const unsubscribe = onCommitted(() => {
    const recorded = eventsRecordedInProcess();
    if (recorded === seenEvents) return;
    seenEvents = recorded;
    wake();
  });
  const timer = setInterval(wake, options.pollIntervalMs);
  timer.unref();
  wake();
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
    nudge: wake,
    async stop() {
      if (stopping) return;
      stopping = true;
      clearInterval(timer);
      clearInterval(pruneTimer);
      unsubscribe();
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
