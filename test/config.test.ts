import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, loadConfig } from '../src/config.js';

describe('configuration', () => {
  it('defaults to port 8080 on 127.0.0.1 with the embedded SQLite file', () => {
    const config = loadConfig({}, '/srv/telemap');
    assert.equal(config.port, 8080);
    assert.equal(config.host, '127.0.0.1');
    assert.deepEqual(config.database, { kind: 'sqlite', path: '/srv/telemap/data/telemap.db' });
    assert.equal(config.adminToken, null);
    assert.ok(Object.isFrozen(config));
  });

  it('reads absolute and relative SQLite paths and PostgreSQL URLs', () => {
    assert.deepEqual(loadConfig({ DATABASE_URL: 'sqlite:///var/lib/t.db' }, '/x').database, { kind: 'sqlite', path: '/var/lib/t.db' });
    assert.deepEqual(loadConfig({ DATABASE_URL: 'sqlite://db/t.db' }, '/x').database, { kind: 'sqlite', path: '/x/db/t.db' });
    assert.deepEqual(loadConfig({ DATABASE_URL: 'postgres://u@h:5432/d' }).database, { kind: 'postgres', url: 'postgres://u@h:5432/d', namedStatements: true, statementTimeoutMs: 30_000 });
  });

  it('turns PostgreSQL named statements off for poolers that cannot carry them, and refuses other values', () => {
    const env = { DATABASE_URL: 'postgres://u@h:5432/d', TELEMAP_PG_NAMED_STATEMENTS: 'false' };
    assert.deepEqual(loadConfig(env).database, { kind: 'postgres', url: 'postgres://u@h:5432/d', namedStatements: false, statementTimeoutMs: 30_000 });
    assert.throws(
      () => loadConfig({ ...env, TELEMAP_PG_NAMED_STATEMENTS: 'off' }),
      (error: unknown) =>
        error instanceof ConfigError &&
        error.problems.length === 1 &&
        error.problems[0] === 'TELEMAP_PG_NAMED_STATEMENTS must be true or false (got "off")',
    );
  });

  it('reads the PostgreSQL statement timeout (default 30 s, 0 turns it off) and refuses other values', () => {
    const url = 'postgres://u@h:5432/d';
    const timeoutOf = (env: Record<string, string>) => {
      const database = loadConfig({ DATABASE_URL: url, ...env }).database;
      return database.kind === 'postgres' ? database.statementTimeoutMs : undefined;
    };
    assert.equal(timeoutOf({}), 30_000);
    assert.equal(timeoutOf({ TELEMAP_PG_STATEMENT_TIMEOUT_MS: '2500' }), 2500);
    assert.equal(timeoutOf({ TELEMAP_PG_STATEMENT_TIMEOUT_MS: '0' }), 0);
    for (const bad of ['-1', '1.5', 'ten', '1e3']) {
      assert.throws(
        () => loadConfig({ DATABASE_URL: url, TELEMAP_PG_STATEMENT_TIMEOUT_MS: bad }),
        (error: unknown) =>
          error instanceof ConfigError &&
          error.problems.length === 1 &&
          error.problems[0] === `TELEMAP_PG_STATEMENT_TIMEOUT_MS must be a non-negative integer (got "${bad}")`,
      );
    }
  });

  it('reads the HTTP timeouts and the connection cap, with documented defaults', () => {
    assert.deepEqual(loadConfig({}).http, { requestTimeoutMs: 60_000, headersTimeoutMs: 10_000, keepAliveTimeoutMs: 5_000, maxConnections: 1024 });
    const env = {
      TELEMAP_REQUEST_TIMEOUT_MS: '20000',
      TELEMAP_HEADERS_TIMEOUT_MS: '5000',
      TELEMAP_KEEP_ALIVE_TIMEOUT_MS: '3000',
      TELEMAP_MAX_CONNECTIONS: '200',
    };
    assert.deepEqual(loadConfig(env).http, { requestTimeoutMs: 20_000, headersTimeoutMs: 5_000, keepAliveTimeoutMs: 3_000, maxConnections: 200 });
    for (const name of Object.keys(env)) {
      assert.throws(
        () => loadConfig({ [name]: '0' }),
        (error: unknown) => error instanceof ConfigError && error.problems[0] === `${name} must be a positive integer (got "0")`,
      );
    }
    assert.throws(
      () => loadConfig({ TELEMAP_REQUEST_TIMEOUT_MS: '5000', TELEMAP_HEADERS_TIMEOUT_MS: '6000' }),
      (error: unknown) =>
        error instanceof ConfigError &&
        error.problems[0] === 'TELEMAP_HEADERS_TIMEOUT_MS (6000) must not exceed TELEMAP_REQUEST_TIMEOUT_MS (5000)',
    );
  });

  it('lists every problem at once', () => {
    assert.throws(
      () => loadConfig({ PORT: 'eighty', DATABASE_URL: 'mysql://x', LOG_LEVEL: 'loud', TELEMAP_ADMIN_TOKEN: 'short' }),
      (error: unknown) => error instanceof ConfigError && error.problems.length === 4,
    );
  });
});
