// The work every server process does in the background, beside serving requests: purging deleted organizations,
// telemetry retention and partitions, the outbox's deliveries, the rules' sweep and diagnosis rewrites. Each starts
// once the app is ready and stops when it closes, and each claims its work in the database, so any number of
// processes may run them together.
import type { FastifyInstance } from 'fastify';
import type { Config } from './config.js';
import type { DomainContext } from './domain/context.js';
import { DIAGNOSIS_POLL_MS, rewriteDueDiagnoses } from './domain/alerts/llm.js';
import { createMailer } from './domain/mail/mailer.js';
import { purgeExpiredOrganizations } from './domain/orgs/lifecycle.js';
import { startOutboxWorker, type OutboxWorker, type OutboxWorkerOptions } from './domain/outbox/worker.js';
import { SWEEP_INTERVAL_MS, sweepDueRules } from './domain/rules/sweep.js';
import { maintainReadings } from './domain/telemetry/retention.js';
import { startPeriodic, type Periodic, type PeriodicOptions } from './periodic.js';

export interface BackgroundOptions {
  /** The delivery worker's timings and name resolution (tests shorten the retry schedule and the timeout). */
  outbox?: Partial<OutboxWorkerOptions> | undefined;
  /** How long the optional model may take to rewrite a diagnosis (default 20 s); tests shorten it. */
  llmTimeoutMs?: number | undefined;
}

export function scheduleBackgroundWork(app: FastifyInstance, requestsCtx: DomainContext, config: Config, options: BackgroundOptions): void {
  // Connections of its own (on PostgreSQL), so that a burst of requests queued for the pool does not hold back the
  // deliveries and alerts those requests recorded.
  const ctx: DomainContext = { ...requestsCtx, database: requestsCtx.database.background() };
  // Deleted organizations past their retention: the purge is one idempotent DELETE, safe when processes race.
  runWhileOpen(app, 'purge of deleted organizations', { intervalMs: config.orgPurgeIntervalMinutes * 60_000, runNow: true }, async () => {
    const purged = await purgeExpiredOrganizations(ctx, config.orgRetentionDays);
    if (purged > 0) app.log.info({ purged }, 'purged deleted organizations past their retention');
  });
  // Readings past their retention, and on PostgreSQL the day partitions ahead (domain/telemetry/retention.ts).
  runWhileOpen(app, 'telemetry retention or partition maintenance', { intervalMs: READINGS_MAINTENANCE_INTERVAL_MS, runNow: true }, async () => {
    const result = await maintainReadings(ctx, config.telemetryRetentionDays);
    if (result.droppedPartitions.length > 0 || result.deletedReadings > 0 || result.createdPartitions.length > 0) {
      app.log.info(result, 'telemetry maintenance');
    }
  });
  // Time-based rule conditions act within seconds: the sweep claims due states in the database.
  runWhileOpen(app, 'rule sweep', { intervalMs: SWEEP_INTERVAL_MS }, async () => {
    await sweepDueRules(ctx);
  });
  const llm = config.llm;
  if (llm) {
    // A model that fails is the model's problem, not Telemap's: the rules' diagnosis stays, and it is a warning.
    runWhileOpen(app, "diagnosis rewrite (the rules' diagnosis stays)", { intervalMs: DIAGNOSIS_POLL_MS, level: 'warn' }, async () => {
      await rewriteDueDiagnoses(ctx, llm, { timeoutMs: options.llmTimeoutMs });
    });
  }
  scheduleOutbox(app, ctx, config, options.outbox);
}

/** How often readings past their retention are removed (and, on PostgreSQL, the day partitions ahead created). */
const READINGS_MAINTENANCE_INTERVAL_MS = 60 * 60_000;

/** Runs `pass` periodically from the moment the app is ready until it closes; a failed pass is logged. */
function runWhileOpen(
  app: FastifyInstance,
  what: string,
  { level = 'error', ...timing }: Omit<PeriodicOptions, 'onError'> & { level?: 'error' | 'warn' },
  pass: () => Promise<void>,
): void {
  let job: Periodic | undefined;
  app.addHook('onReady', async () => {
    job = startPeriodic(pass, { ...timing, onError: (error) => app.log[level]({ err: error }, `${what} failed`) });
  });
  app.addHook('onClose', async () => {
    await job?.stop();
  });
}

/**
 * The outbox's delivery worker runs in every server process (domain/outbox/worker.ts): started once the app is
 * ready, stopped on close after the attempts in flight had a bounded time to finish.
 */
function scheduleOutbox(app: FastifyInstance, ctx: DomainContext, config: Config, options: Partial<OutboxWorkerOptions> = {}): void {
  let worker: OutboxWorker | undefined;
  app.addHook('onReady', async () => {
    const timeoutMs = options.requestTimeoutMs ?? 10_000;
    worker = startOutboxWorker(
      ctx,
      {
        allowPrivate: config.webhookAllowPrivate,
        publicUrl: config.publicUrl,
        mailer: config.mail ? createMailer(config.mail, timeoutMs) : null,
        onError: (error, what) => app.log.error({ err: error }, what),
      },
      options,
    );
  });
  app.addHook('onClose', async () => {
    await worker?.stop();
  });
}
