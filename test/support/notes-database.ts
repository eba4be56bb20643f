// A scratch SQLite file with one `notes` table, on a connection that records every statement it prepares. The
// group commit and read group tests read what was sent to tell one shared transaction from several.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, sql, type Generated } from 'kysely';
import { SqliteImmediateDialect } from '../../src/db/sqlite/immediate-dialect.js';

export interface Notes {
  notes: { id: Generated<number>; text: string };
}

export interface NotesDatabase {
  /** The database file, for a second connection. */
  path: string;
  sqlite: SqliteDatabase.Database;
  db: Kysely<Notes>;
  /** Every statement the connection prepared since the last `forget`, lower-cased, in order. */
  readonly sent: readonly string[];
  forget(): void;
  destroy(): Promise<void>;
}

export async function notesDatabase(name: string, options: { uniqueText: boolean }): Promise<NotesDatabase> {
  const dir = mkdtempSync(join(tmpdir(), `telemap-${name}-`));
  const path = join(dir, 'notes.db');
  const sqlite = new SqliteDatabase(path);
  sqlite.pragma('journal_mode = WAL');
  const sent: string[] = [];
  const recording = {
    close: () => sqlite.close(),
    prepare: (text: string) => {
      sent.push(text.toLowerCase());
      return sqlite.prepare(text);
    },
  };
  const db = new Kysely<Notes>({ dialect: new SqliteImmediateDialect({ database: recording }) });
  await sql`create table notes (id integer primary key, text text not null ${sql.raw(options.uniqueText ? 'unique' : '')})`.execute(db);
  return {
    path,
    sqlite,
    db,
    sent,
    forget: () => {
      sent.length = 0;
    },
    destroy: async () => {
      await db.destroy();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
