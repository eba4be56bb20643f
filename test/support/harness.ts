// Runs a block of tests once per database dialect against a real, freshly migrated database, through the real
// HTTP app (in process, with inject). Each test creates its own organization, so tests never share data.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe } from 'node:test';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { buildApp, type AppOptions } from '../../src/app.js';
import { loadConfig, type Config, type DatabaseTarget } from '../../src/config.js';
import { connectDatabase, type Database } from '../../src/db/connect.js';
import type { DialectName } from '../../src/db/dialect.js';
import { migrateToLatest, migrateUpTo, type MigrationName } from '../../src/db/migrate.js';
import type { DomainContext } from '../../src/domain/context.js';
import { createOrganizationWithKey } from '../../src/domain/orgs/service.js';
import { MovableClock } from './clock.js';
import { createScratchPostgres, postgresUnavailableReason } from './postgres.js';

export interface TestOrg {
  organizationId: string;
  apiKey: string;
}

export interface Harness {
  readonly dialect: DialectName;
  readonly app: FastifyInstance;
  readonly database: Database;
  readonly ctx: DomainContext;
  readonly clock: MovableClock;
  readonly config: Config;
  readonly target: DatabaseTarget;
  /** DATABASE_URL of the test database, for child processes (CLI, server) that should share it. */
  readonly databaseUrl: string;
  /** A new organization with one API key. */
  newOrg(name?: string): Promise<TestOrg>;
  /** A JSON request; `body` objects are serialized, strings are sent as they are. */
  request(options: Omit<InjectOptions, 'body'> & { body?: unknown }): Promise<LightMyRequestResponse>;
  /** POST to /api/ext-v1 with an API key. */
  extPost(path: string, apiKey: string | undefined, body: unknown): Promise<LightMyRequestResponse>;
  extGet(path: string, apiKey: string | undefined): Promise<LightMyRequestResponse>;
}

export interface HarnessOptions {
  /** Extra environment for loadConfig (e.g. TELEMAP_ADMIN_TOKEN, TELEMAP_PG_NAMED_STATEMENTS). */
  env?: Record<string, string>;
  /** PostgreSQL connections of the app's pool (default 10); 1 lets a test see the session the app used. */
  poolSize?: number;
  /**
   * Upgrade tests: the database is first migrated only up to `migration` (as the release that ended with it left
   * it), `populate` writes rows in that shape, and then the migrations the server would apply at start run over
   * them, before the app is built.
   */
  upgradeFrom?: { migration: MigrationName; populate(database: Database): Promise<void> };
  /** The outbox delivery worker's options (a short retry schedule and timeout, a test's name resolution). */
  outbox?: AppOptions['outbox'];
}

/** A scratch database of either dialect: its target for the app or a child process, and how to remove it. */
export async function scratchDatabase(dialect: DialectName): Promise<{ target: DatabaseTarget; url: string; drop(): Promise<void> }> {
  // The target is read from the URL as the server reads DATABASE_URL, so it carries the configuration's defaults.
  const at = (url: string) => ({ target: loadConfig({ DATABASE_URL: url }).database, url });
  if (dialect === 'postgres') {
    const scratch = await createScratchPostgres();
    return { ...at(scratch.url), drop: scratch.drop };
  }
  const dir = mkdtempSync(join(tmpdir(), 'telemap-test-'));
  return { ...at(`sqlite://${join(dir, 'test.db')}`), drop: async () => rmSync(dir, { recursive: true, force: true }) };
}

const postgresSkip = await postgresUnavailableReason();
if (postgresSkip) console.warn(`\n*** ${postgresSkip}: PostgreSQL tests are SKIPPED ***\n`);

/** `describe` once per dialect; PostgreSQL is skipped (with its reason) only when unreachable outside CI. */
export function describeEachDialect(title: string, body: (h: Harness) => void, options: HarnessOptions = {}): void {
  for (const dialect of ['sqlite', 'postgres'] as const) describeDialect(dialect, title, body, options);
}

/** `describe` on one dialect, for behaviour only it has (PostgreSQL's pool, say). */
export function describeDialect(dialect: DialectName, title: string, body: (h: Harness) => void, options: HarnessOptions = {}): void {
  const skip = dialect === 'postgres' && postgresSkip ? postgresSkip : false;
  describe(`${title} [${dialect}]`, { skip }, () => {
    const harness = lazyHarness(dialect, options);
    before(harness.start);
    after(harness.stop);
    body(harness.proxy);
  });
}

function lazyHarness(dialect: DialectName, options: HarnessOptions) {
  let current: Harness | undefined;
  let drop: (() => Promise<void>) | undefined;
  const proxy = new Proxy({} as Harness, {
    get(_target, property) {
      if (!current) throw new Error('harness used before its before() hook ran');
      return current[property as keyof Harness];
    },
  });
  return {
    proxy,
    start: async () => {
      const scratch = await scratchDatabase(dialect);
      drop = scratch.drop;
      const config = loadConfig({ DATABASE_URL: scratch.url, LOG_LEVEL: 'silent', ...options.env });
      // The configuration's target, as the server connects: the environment given to the harness applies.
      const database = connectDatabase(config.database, { poolSize: options.poolSize });
      if (options.upgradeFrom) {
        await migrateUpTo(database, options.upgradeFrom.migration);
        await options.upgradeFrom.populate(database);
      }
      await migrateToLatest(database);
      const clock = new MovableClock();
      const ctx: DomainContext = { database, clock };
      const app = await buildApp({ config, database, clock, logger: false, outbox: options.outbox });
      await app.ready();
      const request: Harness['request'] = (opts) => {
        const { body, ...rest } = opts;
        const headers: Record<string, string> = { ...(rest.headers as Record<string, string>) };
        if (body !== undefined && typeof body !== 'string' && !Buffer.isBuffer(body)) {
          headers['content-type'] ??= 'application/json';
          return app.inject({ ...rest, headers, payload: JSON.stringify(body) });
        }
        return app.inject({ ...rest, headers, ...(body !== undefined ? { payload: body as string | Buffer } : {}) });
      };
      const keyHeader = (apiKey: string | undefined): Record<string, string> => (apiKey ? { 'x-api-key': apiKey } : {});
      current = {
        dialect,
        app,
        database,
        ctx,
        clock,
        config,
        target: config.database,
        databaseUrl: scratch.url,
        newOrg: async (name = 'Test org') => {
          const created = await createOrganizationWithKey(ctx, { name });
          return { organizationId: created.organizationId, apiKey: created.firstKey.apiKey };
        },
        request,
        extPost: (path, apiKey, body) =>
          request({ method: 'POST', url: `/api/ext-v1${path}`, headers: keyHeader(apiKey), body }),
        extGet: (path, apiKey) => request({ method: 'GET', url: `/api/ext-v1${path}`, headers: keyHeader(apiKey) }),
      };
    },
    stop: async () => {
      if (current) {
        await current.app.close();
        await current.database.close();
      }
      await drop?.();
    },
  };
}
