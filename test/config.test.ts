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
    assert.deepEqual(loadConfig({ DATABASE_URL: 'postgres://u@h:5432/d' }).database, { kind: 'postgres', url: 'postgres://u@h:5432/d', namedStatements: true });
  });

  it('turns PostgreSQL named statements off for poolers that cannot carry them, and refuses other values', () => {
    const env = { DATABASE_URL: 'postgres://u@h:5432/d', TELEMAP_PG_NAMED_STATEMENTS: 'false' };
    assert.deepEqual(loadConfig(env).database, { kind: 'postgres', url: 'postgres://u@h:5432/d', namedStatements: false });
    assert.throws(
      () => loadConfig({ ...env, TELEMAP_PG_NAMED_STATEMENTS: 'off' }),
      (error: unknown) =>
        error instanceof ConfigError &&
        error.problems.length === 1 &&
        error.problems[0] === 'TELEMAP_PG_NAMED_STATEMENTS must be true or false (got "off")',
    );
  });

  it('lists every problem at once', () => {
    assert.throws(
      () => loadConfig({ PORT: 'eighty', DATABASE_URL: 'mysql://x', LOG_LEVEL: 'loud', TELEMAP_ADMIN_TOKEN: 'short' }),
      (error: unknown) => error instanceof ConfigError && error.problems.length === 4,
    );
  });
});
