// `npx tsx bench/sqlite-commit-scan.ts`: shows whether the SQLite that better-sqlite3 bundles still walks its whole
// page cache at the commit after a B-tree split (docs/performance/experiments.md, "Not ours to fix").
//
// When balance_nonroot() puts the pages of a split in ascending order, it renames one page, for a moment, to the
// number of the lock page (1 GiB into the file: 262,145 with 4 KiB pages). The page cache remembers that number as
// its highest key, so the commit, which drops every cached page past the end of the database, thinks there may be
// some and walks every page in the cache to find none. Random keys (UUIDs) split in the middle of their indexes,
// which is where the renaming happens, so inserting them pays a walk at most commits, and the walk costs more the
// larger the cache.
//
// Here: a table keyed by random UUIDs is filled past 64 MiB, then 10-row transactions are committed. With the walk,
// the larger the cache, the slower the commits, although everything fits in all three. Without it (SQLite 3.53.2
// built with the rename left out of the highest key, 2026-11-24), all three took 182-188 µs per commit, against
// 198, 218 and 290 µs as bundled. Run it after upgrading better-sqlite3: when the three agree, the walk is gone.
import SqliteDatabase from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const FILL_ROWS = 300_000;
const COMMITS = 20_000;
const ROWS_PER_COMMIT = 10;

function microsPerCommit(cacheMiB: number): number {
  const dir = mkdtempSync(join(tmpdir(), 'telemap-commit-scan-'));
  const sqlite = new SqliteDatabase(join(dir, 'scan.db'));
  try {
    // The server's settings (db/connect.ts), with the cache size under test.
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('synchronous = NORMAL');
    sqlite.pragma(`cache_size = -${cacheMiB * 1024}`);
    sqlite.exec('create table t (id text primary key, v text not null)');
    const insert = sqlite.prepare('insert into t (id, v) values (?, ?)');
    const padding = 'x'.repeat(100);
    const insertRows = sqlite.transaction((rows: number) => {
      for (let i = 0; i < rows; i++) insert.run(randomUUID(), padding);
    });
    for (let done = 0; done < FILL_ROWS; done += 1000) insertRows(1000);
    const started = process.hrtime.bigint();
    for (let c = 0; c < COMMITS; c++) insertRows(ROWS_PER_COMMIT);
    return Number(process.hrtime.bigint() - started) / 1000 / COMMITS;
  } finally {
    sqlite.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const version = new SqliteDatabase(':memory:').prepare('select sqlite_version()').pluck().get() as string;
console.log(`SQLite ${version}: ${COMMITS} commits of ${ROWS_PER_COMMIT} random-key rows into a table of ${FILL_ROWS}`);
for (const cacheMiB of [2, 16, 64]) {
  console.log(`  cache ${String(cacheMiB).padStart(2)} MiB: ${microsPerCommit(cacheMiB).toFixed(1)} µs per commit`);
}
