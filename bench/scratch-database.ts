// A database of either dialect for one benchmark run, made fresh and dropped afterwards. PostgreSQL's server is
// TELEMAP_BENCH_PG_URL (default: the local one, user postgres).
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { loadConfig, type DatabaseTarget } from '../src/config.js';

export interface ScratchDatabase {
  /** The target as the server reads it from DATABASE_URL, so it carries the configuration's defaults. */
  target: DatabaseTarget;
  /** DATABASE_URL for a server process. */
  url: string;
  drop(): Promise<void>;
}

/** `label` names the files or the database (telemap_bench_<label>_…), so leftovers say which benchmark made them. */
export async function scratchDatabase(dialect: 'sqlite' | 'postgres', label: string): Promise<ScratchDatabase> {
  const at = (url: string) => ({ target: loadConfig({ DATABASE_URL: url }).database, url });
  if (dialect === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), `telemap-bench-${label}-`));
    return { ...at(`sqlite://${join(dir, 'bench.db')}`), drop: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  const admin = process.env.TELEMAP_BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const name = `telemap_bench_${label}_${process.pid}_${randomBytes(3).toString('hex')}`;
  const query = async (text: string) => {
    const client = new pg.Client({ connectionString: admin });
    await client.connect();
    try {
      await client.query(text);
    } finally {
      await client.end();
    }
  };
  await query(`create database ${name}`);
  const url = new URL(admin);
  url.pathname = `/${name}`;
  return { ...at(url.toString()), drop: () => query(`drop database if exists ${name} with (force)`) };
}
