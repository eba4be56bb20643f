// Migrations are compiled into the program (no files to ship or find at run time) and applied at start.
// Kysely's migrator takes an advisory lock on PostgreSQL, so several processes starting together on one
// database apply each migration exactly once.
import { Migrator, type Migration, type MigrationProvider } from 'kysely';
import type { Database } from './connect.js';
import type { DialectSpec } from './dialect.js';
import * as initial from './migrations/0001_initial.js';
import * as dashboardUsers from './migrations/0002_dashboard_users.js';
import * as assignmentPosition from './migrations/0003_assignment_position.js';
import * as currentDevicesIndex from './migrations/0004_current_devices_index.js';
import * as devicesFillfactor from './migrations/0005_devices_fillfactor.js';
import * as telemetry from './migrations/0006_telemetry.js';
import * as rulesAlerts from './migrations/0007_rules_alerts.js';
import * as outboxWebhooks from './migrations/0008_outbox_webhooks.js';
import * as helpdesk from './migrations/0009_helpdesk.js';
import * as ruleStatesFillfactor from './migrations/0010_rule_states_fillfactor.js';

type DialectMigration = { up(db: Parameters<Migration['up']>[0], dialect: DialectSpec): Promise<void> };

/** In order; names are stored in the database, so never rename or reorder one that has shipped. */
const migrations = [
  ['0001_initial', initial],
  ['0002_dashboard_users', dashboardUsers],
  ['0003_assignment_position', assignmentPosition],
  ['0004_current_devices_index', currentDevicesIndex],
  ['0005_devices_fillfactor', devicesFillfactor],
  ['0006_telemetry', telemetry],
  ['0007_rules_alerts', rulesAlerts],
  ['0008_outbox_webhooks', outboxWebhooks],
  ['0009_helpdesk', helpdesk],
  ['0010_rule_states_fillfactor', ruleStatesFillfactor],
] as const satisfies ReadonlyArray<readonly [string, DialectMigration]>;

export type MigrationName = (typeof migrations)[number][0];

class CompiledMigrations implements MigrationProvider {
  constructor(private readonly dialect: DialectSpec) {}
  async getMigrations(): Promise<Record<string, Migration>> {
    return Object.fromEntries(
      migrations.map(([name, migration]) => [name, { up: (db) => migration.up(db, this.dialect) }]),
    );
  }
}

function migratorFor(database: Database): Migrator {
  return new Migrator({ db: database.db, provider: new CompiledMigrations(database.dialect) });
}

export async function migrateToLatest(database: Database): Promise<void> {
  const { error, results } = await migratorFor(database).migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName;
    throw new Error(`database migration ${failed ?? ''} failed: ${String((error as Error).message ?? error)}`);
  }
}

/**
 * Applies the migrations up to and including `name`, and no later ones: the database as the release that ended
 * with `name` left it. For tests of an upgrade over existing rows; the server always migrates to the latest.
 */
export async function migrateUpTo(database: Database, name: MigrationName): Promise<void> {
  const { error } = await migratorFor(database).migrateTo(name);
  if (error) throw error;
}

/** True when every known migration has been applied; used by the readiness probe. */
export async function isMigrated(database: Database): Promise<boolean> {
  const applied = await migratorFor(database).getMigrations();
  return applied.every((m) => m.executedAt !== undefined);
}
