// One delivery attempt: build what the target receives, send it, and classify the answer for recordAttempts
// (outbox/record.ts).
import type { DomainContext } from '../context.js';
import type { Mailer } from '../mail/mailer.js';
import { composeOwnerMail, type AlertForMail } from '../mail/owner-mail.js';
import { getSupportEmail } from '../tickets/settings.js';
import { composeReplyMail, isReplyRecipient } from '../tickets/reply-mail.js';
import { sendWebhook, type ResolveAll } from '../webhooks/http-sender.js';
import { slackMessage, standardMessage, type OutgoingEvent } from '../webhooks/messages.js';
import type { AttemptOutcome, ClaimedDelivery } from './deliveries.js';
import { nextAttemptTime, parseRetryAfter, type RetryPolicy } from './retry-schedule.js';

export interface AttemptDeps {
  requestTimeoutMs: number;
  allowPrivate: boolean;
  publicUrl: string | null;
  resolve: ResolveAll;
  retryPolicy: RetryPolicy;
  mailer: Mailer | null;
  signal: AbortSignal;
}

export async function runAttempt(ctx: DomainContext, delivery: ClaimedDelivery, deps: AttemptDeps): Promise<AttemptOutcome> {
  const retry = (responseStatus: number | null, error: string, retryAfterMs: number | null = null): AttemptOutcome => {
    const now = ctx.clock.now().getTime();
    const next = nextAttemptTime(deps.retryPolicy, delivery.attempt, delivery.firstAttemptAt, now, retryAfterMs);
    return { kind: 'retry', responseStatus, error: next === null ? `${error}; no more retries` : error, nextAttemptAt: next };
  };

  if (delivery.channel === 'email') {
    if (!deps.mailer) return retry(null, 'Outgoing mail is not configured (TELEMAP_SMTP_URL, TELEMAP_MAIL_FROM)');
    const owner = JSON.parse(delivery.recipient ?? '{}') as { email?: string; name?: string | null };
    if (!owner.email) return { kind: 'failed', responseStatus: null, error: 'The owner has no e-mail address' };
    const organization = await ctx.database.db
      .selectFrom('organizations')
      .select('name')
      .where('id', '=', delivery.organizationId)
      .executeTakeFirst();
    const recipient: unknown = JSON.parse(delivery.recipient ?? '{}');
    let result;
    if (isReplyRecipient(recipient)) {
      // The support address is read when sending, so a change on the Settings page applies to the queue too.
      const replyTo = await getSupportEmail(ctx, delivery.organizationId);
      const mail = composeReplyMail(delivery.event.payload, recipient, organization?.name ?? 'Support');
      result = await deps.mailer.send({ to: owner.email, ...mail, ...(replyTo && { replyTo }) });
    } else {
      const mail = composeOwnerMail(JSON.parse(delivery.event.payload) as AlertForMail, owner, organization?.name ?? 'Support');
      result = await deps.mailer.send({ to: owner.email, ...mail });
    }
    if (result.kind === 'sent') return { kind: 'delivered', responseStatus: null };
    if (result.permanent) return { kind: 'failed', responseStatus: null, error: result.error };
    return retry(null, result.error);
  }

  if (!delivery.endpoint) return { kind: 'failed', responseStatus: null, error: 'The endpoint no longer exists' };
  const event: OutgoingEvent = {
    id: delivery.event.id,
    type: delivery.event.type,
    createdAt: delivery.event.createdAt,
    data: JSON.parse(delivery.event.payload) as unknown,
  };
  const nowMs = ctx.clock.now().getTime();
  const message =
    delivery.endpoint.format === 'slack'
      ? slackMessage(event, delivery.endpoint.secret, nowMs, deps.publicUrl)
      : standardMessage(event, delivery.endpoint.secret, nowMs);
  const result = await sendWebhook(delivery.endpoint.url, message.headers, message.body, {
    timeoutMs: deps.requestTimeoutMs,
    allowPrivate: deps.allowPrivate,
    resolve: deps.resolve,
    signal: deps.signal,
  });
  if (result.kind === 'error') return retry(null, result.error);
  const status = result.status;
  if (status >= 200 && status < 300) return { kind: 'delivered', responseStatus: status };
  if (status === 410) {
    return { kind: 'failed', responseStatus: status, error: 'The endpoint answered 410 Gone', disableEndpoint: 'The endpoint answered 410 Gone' };
  }
  const retryAfter = parseRetryAfter(result.retryAfter, ctx.clock.now().getTime());
  const why = status >= 300 && status < 400 ? `The endpoint answered ${status} (redirects are not followed)` : `The endpoint answered ${status}`;
  return retry(status, why, retryAfter);
}
