// SQLite only: the hot reads started in one turn of the event loop run in one read transaction (db/sqlite/read-group.ts).
// PostgreSQL runs each read on a pooled connection; the reads' answers are checked through HTTP on both dialects
// elsewhere (test/ext-v1, test/db/read-isolation.test.ts, test/domain/auth-freshness.test.ts). These tests run the mechanism
// on a real SQLite file and read the statements it sent, to tell one shared transaction from several.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type SqliteDatabase from 'better-sqlite3';
import { sql, type Kysely } from 'kysely';
import { groupCommit, type GroupCommit } from '../../src/db/sqlite/group-commit.js';
import { readGroup, type ReadGroup } from '../../src/db/sqlite/read-group.js';
import { notesDatabase, type Notes, type NotesDatabase } from '../support/notes-database.js';

describe('read group [sqlite]', () => {
  let notesDb: NotesDatabase;
  let sqlite: SqliteDatabase.Database;
  let db: Kysely<Notes>;
  let reads: ReadGroup<Notes>;
  let writes: GroupCommit<Notes>;
  let prepared = 0;

  before(async () => {
    notesDb = await notesDatabase('read-group', { uniqueText: false });
    ({ sqlite, db } = notesDb);
    reads = readGroup(db, { beforeBegin: () => prepared++ });
    writes = groupCommit(db, { maxGroupMs: 60_000 });
  });

  after(() => notesDb.destroy());

  const start = async () => {
    await db.deleteFrom('notes').execute();
    notesDb.forget();
    prepared = 0;
  };
  const count = (statement: string) => notesDb.sent.filter((text) => text === statement).length;
  const texts = (handle: Kysely<Notes>) => handle.selectFrom('notes').select('text').orderBy('id').execute().then((rows) => rows.map((r) => r.text));

  it('reads started in the same turn run in one read transaction, each answered with its own result', async () => {
    await start();
    await db.insertInto('notes').values([{ text: 'a' }, { text: 'b' }]).execute();
    const results = await Promise.all([
      reads.run((handle) => texts(handle)),
      reads.run(async (handle) => (await handle.selectFrom('notes').select('text').where('text', '=', 'b').executeTakeFirst())?.text),
      reads.run(async () => sqlite.inTransaction),
    ]);
    assert.deepEqual(results, [['a', 'b'], 'b', true]);
    assert.equal(count('begin'), 1);
    assert.equal(count('commit'), 1);
    assert.equal(prepared, 1, 'the hook ran once, before BEGIN');
    assert.equal(sqlite.inTransaction, false, 'the read transaction ended');
  });

  it('a failing read fails alone', async () => {
    await start();
    const results = await Promise.allSettled([
      reads.run(async (handle) => (await sql`select * from no_such_table`.execute(handle)).rows),
      reads.run((handle) => texts(handle)),
    ]);
    assert.equal(results[0].status, 'rejected');
    assert.deepEqual(results[1], { status: 'fulfilled', value: [] });
    assert.equal(sqlite.inTransaction, false);
  });

  it('never runs inside a write group: reads see only what committed, and writes wait for the reads', async () => {
    await start();
    let releaseWrite!: () => void;
    const write = writes.run(async (trx) => {
      await trx.insertInto('notes').values({ text: 'pending' }).execute();
      await new Promise<void>((resolve) => (releaseWrite = resolve));
      throw new Error('rolled back');
    });
    while (count('begin immediate') === 0) await new Promise((resolve) => setImmediate(resolve));
    // Started while the write transaction holds its uncommitted row: the read waits for the connection.
    const seen = reads.run((handle) => texts(handle));
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal(count('begin'), 0, 'the read group began inside the write transaction');
    releaseWrite();
    await assert.rejects(write, /rolled back/);
    assert.deepEqual(await seen, []);
    // And a write started while a read group runs commits after it, then shows in the next reads.
    const [before, written] = await Promise.all([reads.run((handle) => texts(handle)), writes.run((trx) => trx.insertInto('notes').values({ text: 'kept' }).execute())]);
    assert.deepEqual(before, []);
    assert.ok(written);
    assert.deepEqual(await reads.run((handle) => texts(handle)), ['kept']);
  });

  it('reads started in later turns form later groups', async () => {
    await start();
    await reads.run((handle) => texts(handle));
    await reads.run((handle) => texts(handle));
    assert.equal(count('begin'), 2);
    assert.equal(count('commit'), 2);
  });
});
