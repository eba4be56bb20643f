// The outbox: every event is written in the transaction of the change it announces, and delivered from here
// after the commit, at least once. Webhook endpoints and their deliveries hang off it.
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
}
