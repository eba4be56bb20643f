// Telemetry: device tokens, readings and the latest value of each (device, key).
//
// A reading is stored narrow: one row per (series, ts), where a series is one key of one device. The series table
// doubles as the latest-value table, and its integer id keeps each reading row small (a device UUID and a key
// repeated on every reading would triple the bytes per reading). On PostgreSQL, readings are partitioned by time
// so that retention drops whole partitions; the partitions ahead of now are created by a job
// (domain/telemetry/partitions.ts), and a default partition catches whatever falls outside them.
import { sql, type Kysely } from 'kysely';
import type { DialectSpec } from '../dialect.js';

export async function up(db: Kysely<unknown>, dialect: DialectSpec): Promise<void> {
  const ts = sql.raw(dialect.timestampType);
  const pg = dialect.name === 'postgres';

  // At most one live token per device: issuing a new one replaces the row, revoking deletes it.
  await db.schema
    .createTable('device_tokens')
    .addColumn('device_id', 'text', (c) => c.primaryKey().references('devices.id').onDelete('cascade'))
    .addColumn('organization_id', 'text', (c) => c.notNull().references('organizations.id').onDelete('cascade'))
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('created_at', ts, (c) => c.notNull())
    .execute();

  await db.schema.alterTable('devices').addColumn('last_seen_at', ts).execute();
  await db.schema
    .alterTable('devices')
    .addColumn('ingest_error_count', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.alterTable('devices').addColumn('last_ingest_error', 'text').execute();
  await db.schema.alterTable('devices').addColumn('last_ingest_error_at', ts).execute();

  await db.schema
    .createTable('telemetry_series')
    .addColumn('id', pg ? sql`bigint generated always as identity` : 'integer', (c) => c.primaryKey())
    .addColumn('organization_id', 'text', (c) => c.notNull().references('organizations.id').onDelete('cascade'))
    .addColumn('device_id', 'text', (c) => c.notNull().references('devices.id').onDelete('cascade'))
    .addColumn('key', 'text', (c) => c.notNull())
    // The latest reading of the series: kind 0 number, 1 boolean (num 0 or 1), 2 string (txt).
    .addColumn('latest_ts', 'bigint', (c) => c.notNull())
    .addColumn('latest_kind', 'smallint', (c) => c.notNull())
    .addColumn('latest_num', 'double precision')
    .addColumn('latest_txt', 'text')
    .addUniqueConstraint('telemetry_series_device_key', ['device_id', 'key'])
    .execute();

  if (pg) {
    await sql`
      create table readings (
        series_id bigint not null,
        ts bigint not null,
        kind smallint not null,
        num double precision,
        txt text,
        primary key (series_id, ts)
      ) partition by range (ts)`.execute(db);
    await sql`create table readings_default partition of readings default`.execute(db);
  } else {
    // No foreign key to the series: deleting a device removes its series, and retention removes the readings.
    await sql`
      create table readings (
        series_id integer not null,
        ts integer not null,
        kind integer not null,
        num real,
        txt text,
        primary key (series_id, ts)
      ) without rowid`.execute(db);
  }
}
