// Process entry: configuration → database → migrations → HTTP, and an orderly stop on SIGTERM or SIGINT.
import { buildApp } from './app.js';
import { ConfigError, loadConfig, type Config } from './config.js';
import { connectDatabase, type Database } from './db/connect.js';
import { migrateToLatest } from './db/migrate.js';
import { limitHeapGrowth } from './heap-growth.js';

async function main(): Promise<void> {
  limitHeapGrowth();
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(2);
    }
    throw error;
  }

  const database = connectDatabase(config.database, config.sqlite);
  await migrate(config, database);
  const app = await buildApp({ config, database });

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    app.log.info({ signal }, 'shutting down: finishing in-flight requests');
    // close() stops accepting, waits for in-flight requests, then runs onClose hooks.
    await app.close();
    await database.close();
    app.log.info('stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));

  await app.listen({ port: config.port, host: config.host });
}

/**
 * A PostgreSQL migration may rewrite a large table: it runs on a connection of its own, without the statement
 * timeout that bounds requests.
 */
async function migrate(config: Config, database: Database): Promise<void> {
  if (config.database.kind !== 'postgres') return migrateToLatest(database);
  const migrating = connectDatabase({ ...config.database, statementTimeoutMs: 0 }, { poolSize: 1 });
  try {
    await migrateToLatest(migrating);
  } finally {
    await migrating.close();
  }
}

main().catch((error: unknown) => {
  console.error('telemap failed to start:', error instanceof Error ? error.message : error);
  process.exit(1);
});
