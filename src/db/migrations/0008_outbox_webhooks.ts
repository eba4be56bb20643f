// The outbox: every event is written in the transaction of the change it announces, and delivered from here
// after the commit, at least once. Webhook endpoints and the deliveries (webhooks and e-mails) hang off it.
import { sql, type Kysely } from 'kysely';
import type { DialectSpec } from '../dialect.js';

export async function up(db: Kysely<unknown>, dialect: DialectSpec): Promise<void> {
  const ts = sql.raw(dialect.timestampType);

  await db.schema
    .createTable('outbox_events')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('organization_id', 'text', (c) => c.notNull().references('organizations.id').onDelete('cascade'))
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('created_at', ts, (c) => c.notNull())
    // Set once the event has been fanned out into deliveries (webhooks, e-mails).
    .addColumn('dispatched_at', ts)
    .execute();
  await db.schema
    .createIndex('outbox_events_pending')
    .on('outbox_events')
    .column('created_at')
    .where(sql.ref('dispatched_at'), 'is', null)
    .execute();

  // The signing secret is kept as written (it must sign), unlike every other credential, and never shown again.
  // `disabled_reason` says why the server turned an endpoint off (410, failing for days); `failing_since` is the
  // first failure since the last success; `next_send_at` paces Slack endpoints.
  await db.schema
    .createTable('webhook_endpoints')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('organization_id', 'text', (c) => c.notNull().references('organizations.id').onDelete('cascade'))
    .addColumn('url', 'text', (c) => c.notNull())
    .addColumn('events', 'text')
    .addColumn('format', 'text', (c) => c.notNull())
    .addColumn('description', 'text')
    .addColumn('secret', 'text', (c) => c.notNull())
    .addColumn('enabled', 'integer', (c) => c.notNull())
    .addColumn('disabled_reason', 'text')
    .addColumn('disabled_at', ts)
    .addColumn('failing_since', ts)
    .addColumn('next_send_at', ts)
    .addColumn('created_at', ts, (c) => c.notNull())
    .addColumn('updated_at', ts, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('webhook_endpoints_organization')
    .on('webhook_endpoints')
    .columns(['organization_id', 'created_at', 'id'])
    .execute();

  // One row per (event, target): a webhook endpoint, or an owner's address. The row is the unit of work: at most one
  // attempt of it runs at a time. A claimed attempt moves `next_attempt_at` to the end of its lease and writes its
  // `claim_token`; a process that dies mid-attempt leaves the row to be claimed again once the lease has passed.
  await db.schema
    .createTable('deliveries')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('organization_id', 'text', (c) => c.notNull().references('organizations.id').onDelete('cascade'))
    .addColumn('event_id', 'text', (c) => c.notNull().references('outbox_events.id').onDelete('cascade'))
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('target', 'text', (c) => c.notNull())
    .addColumn('endpoint_id', 'text', (c) => c.references('webhook_endpoints.id').onDelete('cascade'))
    .addColumn('recipient', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('attempt', 'integer', (c) => c.notNull())
    .addColumn('next_attempt_at', ts, (c) => c.notNull())
    .addColumn('claim_token', 'text')
    .addColumn('first_attempt_at', ts)
    .addColumn('response_status', 'integer')
    .addColumn('error', 'text')
    .addColumn('delivered_at', ts)
    .addColumn('created_at', ts, (c) => c.notNull())
    .addColumn('updated_at', ts, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('deliveries_one_per_target').on('deliveries').columns(['event_id', 'target']).unique().execute();
  await db.schema
    .createIndex('deliveries_due')
    .on('deliveries')
    .column('next_attempt_at')
    .where(sql.ref('status'), '=', 'pending')
    .execute();
  await db.schema.createIndex('deliveries_endpoint').on('deliveries').columns(['endpoint_id', 'created_at', 'id']).execute();
}
