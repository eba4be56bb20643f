// The work every server process does in the background, beside serving requests: purging deleted organizations,
// telemetry retention and partitions, the outbox's deliveries, the rules' sweep and diagnosis rewrites. Each starts
// once the app is ready and stops when it closes, and each claims its work in the database, so any number of
// processes may run them together.
import type { FastifyInstance } from 'fastify';
import type { Config } from './config.js';
import type { DomainContext } from './domain/context.js';
import { startDiagnosisRewrites } from './domain/alerts/llm.js';
import { createMailer } from './domain/mail/mailer.js';
import { startPurgeSchedule } from './domain/orgs/lifecycle.js';
import { startOutboxWorker, type OutboxWorker, type OutboxWorkerOptions } from './domain/outbox/worker.js';
import { startRuleSweep } from './domain/rules/sweep.js';
import { startReadingsMaintenance } from './domain/telemetry/retention.js';

export interface BackgroundOptions {
  /** The delivery worker's timings and name resolution (tests shorten the retry schedule and the timeout). */
  outbox?: Partial<OutboxWorkerOptions> | undefined;
  /** How long the optional model may take to rewrite a diagnosis (default 20 s); tests shorten it. */
  llmTimeoutMs?: number | undefined;
}

export function scheduleBackgroundWork(app: FastifyInstance, ctx: DomainContext, config: Config, options: BackgroundOptions): void {
  schedulePurge(app, ctx, config);
  scheduleReadingsMaintenance(app, ctx, config);
  scheduleOutbox(app, ctx, config, options.outbox);
  scheduleRuleWork(app, ctx, config, options.llmTimeoutMs);
}

/**
 * Deleted organizations past their retention are purged once at start and then every purge interval. Every
 * server process runs it; the purge is a single idempotent DELETE, so concurrent runs on one database are safe.
 */
function schedulePurge(app: FastifyInstance, ctx: DomainContext, config: Config): void {
  let schedule: { stop(): Promise<void> } | undefined;
  app.addHook('onReady', async () => {
    schedule = startPurgeSchedule(ctx, {
      retentionDays: config.orgRetentionDays,
      intervalMs: config.orgPurgeIntervalMinutes * 60_000,
      onResult: (error, purged) => {
        if (error) app.log.error({ err: error }, 'purge of deleted organizations failed');
        else if (purged > 0) app.log.info({ purged }, 'purged deleted organizations past their retention');
      },
    });
  });
  app.addHook('onClose', async () => {
    await schedule?.stop();
  });
}

/** How often readings past their retention are removed (and, on PostgreSQL, the day partitions ahead created). */
const READINGS_MAINTENANCE_INTERVAL_MS = 60 * 60_000;

/**
 * Telemetry's periodic job, once at start and then hourly, in every server process (domain/telemetry/retention.ts:
 * safe when several run it at once).
 */
function scheduleReadingsMaintenance(app: FastifyInstance, ctx: DomainContext, config: Config): void {
  let schedule: { stop(): Promise<void> } | undefined;
  app.addHook('onReady', async () => {
    schedule = startReadingsMaintenance(ctx, {
      retentionDays: config.telemetryRetentionDays,
      intervalMs: READINGS_MAINTENANCE_INTERVAL_MS,
      onResult: (error, result) => {
        if (error) app.log.error({ err: error }, 'telemetry retention or partition maintenance failed');
        else if (result && (result.droppedPartitions.length > 0 || result.deletedReadings > 0 || result.createdPartitions.length > 0)) {
          app.log.info(result, 'telemetry maintenance');
        }
      },
    });
  });
  app.addHook('onClose', async () => {
    await schedule?.stop();
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

/**
 * The rules' sweep (time-based conditions) runs in every process, every second; with a model configured, so do the
 * diagnosis rewrites. Both claim their work in the database, so any number of processes may run them.
 */
function scheduleRuleWork(app: FastifyInstance, ctx: DomainContext, config: Config, llmTimeoutMs: number | undefined): void {
  const running: Array<{ stop(): Promise<void> }> = [];
  app.addHook('onReady', async () => {
    running.push(startRuleSweep(ctx, { onError: (error) => app.log.error({ err: error }, 'rule sweep failed') }));
    if (config.llm) {
      const onError = (error: unknown) => app.log.warn({ err: error }, 'diagnosis rewrite failed; the rules\' diagnosis stays');
      running.push(startDiagnosisRewrites(ctx, config.llm, { timeoutMs: llmTimeoutMs, onError }));
    }
  });
  app.addHook('onClose', async () => {
    await Promise.all(running.map((r) => r.stop()));
  });
}
