// Rules, their per-device state, and alerts. One open alert per (rule, device) is a partial unique index, so it
// holds whichever process sees the triggering reading. An alert keeps a copy of its rule's name and kind: it
// outlives the rule (deleting a rule clears its alerts, it does not erase them).
import { sql, type Kysely } from 'kysely';
import type { DialectSpec } from '../dialect.js';

export async function up(db: Kysely<unknown>, dialect: DialectSpec): Promise<void> {
  const ts = sql.raw(dialect.timestampType);

  await db.schema
    .createTable('rules')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('organization_id', 'text', (c) => c.notNull().references('organizations.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('device_type', 'text')
    .addColumn('severity', 'text', (c) => c.notNull())
    .addColumn('condition', 'text', (c) => c.notNull())
    .addColumn('clear', 'text')
    .addColumn('create_ticket', 'integer', (c) => c.notNull())
    .addColumn('ticket_priority', 'text', (c) => c.notNull())
    .addColumn('notify_owners', 'integer', (c) => c.notNull())
    .addColumn('enabled', 'integer', (c) => c.notNull())
    .addColumn('created_at', ts, (c) => c.notNull())
    .addColumn('updated_at', ts, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('rules_organization').on('rules').columns(['organization_id', 'created_at']).execute();

  // Where a rule stands for one device: since when its condition holds, consecutive counts, running statistics.
  // `due_at` (ms) is when a time-based condition becomes true if nothing else arrives; the sweep reads it.
  // On SQLite the table is clustered on its key (WITHOUT ROWID): ingest reads and rewrites these rows by
  // (rule, device) for every reading, and a rowid table would search its key index and then the table each time.
  let ruleStates = db.schema
    .createTable('rule_states')
    .addColumn('rule_id', 'text', (c) => c.notNull().references('rules.id').onDelete('cascade'))
    .addColumn('device_id', 'text', (c) => c.notNull().references('devices.id').onDelete('cascade'))
    .addColumn('organization_id', 'text', (c) => c.notNull().references('organizations.id').onDelete('cascade'))
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('due_at', 'bigint')
    .addColumn('updated_at', ts, (c) => c.notNull())
    .addPrimaryKeyConstraint('rule_states_pk', ['rule_id', 'device_id']);
  if (dialect.name === 'sqlite') ruleStates = ruleStates.modifyEnd(sql`without rowid`);
  await ruleStates.execute();
  await db.schema.createIndex('rule_states_due').on('rule_states').column('due_at').execute();

  await db.schema
    .createTable('alerts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('organization_id', 'text', (c) => c.notNull().references('organizations.id').onDelete('cascade'))
    .addColumn('rule_id', 'text', (c) => c.notNull())
    .addColumn('rule_name', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('device_id', 'text', (c) => c.notNull().references('devices.id').onDelete('cascade'))
    .addColumn('severity', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('opened_at', ts, (c) => c.notNull())
    .addColumn('last_triggered_at', ts, (c) => c.notNull())
    .addColumn('trigger_count', 'integer', (c) => c.notNull())
    .addColumn('acknowledged_at', ts)
    .addColumn('cleared_at', ts)
    .addColumn('reading', 'text')
    .addColumn('owners', 'text', (c) => c.notNull())
    .addColumn('ticket_id', 'text')
    .addColumn('diagnosis', 'text', (c) => c.notNull())
    // When the optional model may next try to rewrite the diagnosis (domain/alerts/llm.ts); null: nothing to do.
    // Set when the alert opens, pushed ahead while a process holds the job, cleared once it is done either way.
    .addColumn('diagnosis_rewrite_at', ts)
    .addColumn('updated_at', ts, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('alerts_one_open')
    .on('alerts')
    .columns(['rule_id', 'device_id'])
    .unique()
    .where(sql.ref('status'), '=', 'open')
    .execute();
  await db.schema.createIndex('alerts_organization_opened').on('alerts').columns(['organization_id', 'opened_at', 'id']).execute();
  await db.schema.createIndex('alerts_device').on('alerts').columns(['device_id', 'opened_at']).execute();
  // The evaluator's look-up of the open alerts of a batch's devices: without it SQLite's planner walks every alert the
  // organization ever had through alerts_organization_opened.
  await db.schema
    .createIndex('alerts_organization_status_device')
    .on('alerts')
    .columns(['organization_id', 'status', 'device_id'])
    .execute();
  await db.schema
    .createIndex('alerts_diagnosis_rewrite')
    .on('alerts')
    .column('diagnosis_rewrite_at')
    .where(sql.ref('diagnosis_rewrite_at'), 'is not', null)
    .execute();

  await db.schema.alterTable('tickets').addColumn('alert_id', 'text').execute();
}
