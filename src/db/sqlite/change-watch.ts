// Lets a process keep copies of rows that change rarely (API keys, organizations) and still never serve a copy
// after the row changed. SQLite only: there every writer is either this process's one connection or another
// process (the CLI, a second server on the same file), and SQLite can report both cheaply:
//   - this connection's writes fire TEMP triggers (they exist for this connection only) that call back into JS;
//   - `PRAGMA data_version` changes whenever another connection has committed since it was last read.
// On PostgreSQL several servers share the database and nothing comparable is free, so there is no watch and the
// callers read through to the database every time.
import type SqliteDatabase from 'better-sqlite3';

/** Tables whose rows are copied into process-local caches (see domain/api-keys/key-cache.ts). */
export const WATCHED_TABLES = ['organizations', 'api_keys'] as const;

export interface ChangeWatch {
  /**
   * A number that is different from every earlier answer once a watched table may have changed. A copy made while
   * the answer was N is current as long as the answer is still N. Reads the database's state, so callers ask once
   * before using a copy and once after reading a row they mean to keep.
   */
  epoch(): number;
  /**
   * Sets the watch up if it is not yet (its triggers need the migrated tables, and no open transaction). A caller
   * about to open a transaction in which it will ask for `epoch` calls this first: inside one, the watch cannot
   * set itself up, and every answer would be new.
   */
  prepare(): void;
}

const CALLBACK = 'telemap_watched_table_changed';

export function sqliteChangeWatch(sqlite: SqliteDatabase.Database): ChangeWatch {
  let epoch = 0;
  let installed = false;
  let lastDataVersion: number | undefined;
  const dataVersion = sqlite.prepare('pragma data_version').pluck();

  sqlite.function(CALLBACK, { deterministic: false }, () => {
    epoch++;
    return null;
  });

  const install = (): boolean => {
    // Inside a transaction the triggers would vanish with a rollback; the next call outside one installs them.
    if (sqlite.inTransaction) return false;
    try {
      for (const table of WATCHED_TABLES) {
        for (const event of ['insert', 'update', 'delete']) {
          sqlite.exec(
            `create temp trigger if not exists ${CALLBACK}_${table}_${event} after ${event} on main.${table} ` +
              `begin select ${CALLBACK}(); end`,
          );
        }
      }
      return true;
    } catch {
      // Not migrated yet (no such table): nothing may be cached until it is.
      return false;
    }
  };

  const prepare = () => {
    if (!installed) installed = install();
  };

  return {
    prepare,
    epoch() {
      prepare();
      // Not set up (inside a transaction, or before migrations): nothing may be trusted, so every answer is new.
      if (!installed) return ++epoch;
      const version = dataVersion.get() as number;
      if (version !== lastDataVersion) {
        lastDataVersion = version;
        epoch++;
      }
      return epoch;
    },
  };
}
