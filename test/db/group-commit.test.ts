// SQLite only: the write transactions started in one turn of the event loop commit as one (db/sqlite/group-commit.ts).
// PostgreSQL commits each transaction on its own and groups commits itself; test/db/concurrent-writes.test.ts checks
// the answers through HTTP on both dialects. These tests run the mechanism on a real SQLite file and read the
// statements it sent, to tell one shared transaction from several.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import SqliteDatabase from 'better-sqlite3';
import { sql, type Kysely, type Transaction } from 'kysely';
import { groupCommit, type GroupCommit } from '../../src/db/sqlite/group-commit.js';
import { WriteGate } from '../../src/db/sqlite/write-gate.js';
import { notesDatabase, type Notes, type NotesDatabase } from '../support/notes-database.js';

describe('group commit [sqlite]', () => {
  let notesDb: NotesDatabase;
  let db: Kysely<Notes>;
  let group: GroupCommit<Notes>;

  before(async () => {
    notesDb = await notesDatabase('group-commit', { uniqueText: true });
    ({ db } = notesDb);
    // A bound far above what a group takes here, so that a slow moment of a shared machine never splits a group.
    group = groupCommit(db, { maxGroupMs: 60_000 });
  });

  after(() => notesDb.destroy());

  const sent = () => notesDb.sent;
  const begun = () => sent().filter((text) => text === 'begin immediate').length;
  const committed = () => sent().filter((text) => text === 'commit').length;
  const notes = async () => (await db.selectFrom('notes').select('text').orderBy('id').execute()).map((row) => row.text);
  const add = (text: string) => async (trx: Transaction<Notes>) => {
    await trx.insertInto('notes').values({ text }).execute();
    return text;
  };
  const start = async () => {
    await db.deleteFrom('notes').execute();
    notesDb.forget();
  };

  it('commits works started in the same turn in one transaction, each answered with its own result', async () => {
    await start();
    const results = await Promise.all(['a', 'b', 'c', 'd', 'e'].map((text) => group.run(add(text))));
    assert.deepEqual(results, ['a', 'b', 'c', 'd', 'e']);
    assert.equal(begun(), 1);
    assert.equal(committed(), 1);
    assert.deepEqual(await notes(), ['a', 'b', 'c', 'd', 'e']);
  });

  it('a work sees the writes of the works before it in its group, as if they had committed first', async () => {
    await start();
    const count = async (trx: Transaction<Notes>) => (await trx.selectFrom('notes').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n;
    const [, seen] = await Promise.all([group.run(add('first')), group.run(count)]);
    assert.equal(seen, 1);
    assert.equal(begun(), 1);
  });

  it('a failing work is undone alone: the others commit, and it gets its own error', async () => {
    await start();
    const failing = async (trx: Transaction<Notes>) => {
      await trx.insertInto('notes').values({ text: 'half-done' }).execute();
      throw new Error('refused after its first write');
    };
    const duplicate = async (trx: Transaction<Notes>) => {
      await trx.insertInto('notes').values({ text: 'x' }).execute();
      return 'duplicate';
    };
    const outcomes = await Promise.allSettled([group.run(add('x')), group.run(failing), group.run(duplicate), group.run(add('y'))]);
    assert.deepEqual(
      outcomes.map((o) => (o.status === 'fulfilled' ? o.value : (o.reason as Error).message)),
      ['x', 'refused after its first write', 'UNIQUE constraint failed: notes.text', 'y'],
    );
    assert.equal(begun(), 1);
    assert.equal(committed(), 1);
    assert.deepEqual(await notes(), ['x', 'y']);
  });

  it('when the shared transaction breaks, every work of the group fails and nothing of it is kept', async () => {
    await start();
    // SQLite itself rolls the whole transaction back on a few errors (a full disk, an I/O error); a work that
    // runs ROLLBACK leaves the connection in the same state.
    const breaking = async (trx: Transaction<Notes>) => {
      await sql`rollback`.execute(trx);
      return 'broke it';
    };
    const outcomes = await Promise.allSettled([group.run(add('before')), group.run(breaking), group.run(add('after'))]);
    assert.deepEqual(
      outcomes.map((o) => o.status),
      ['rejected', 'rejected', 'fulfilled'],
    );
    // 'before' had succeeded, but its transaction is gone. 'after' had not started: it ran in the next group.
    assert.deepEqual(await notes(), ['after']);
    assert.equal(begun(), 2);
  });

  it('when BEGIN fails, the works of the group fail with its error, and the next group runs', async () => {
    await start();
    // Another connection holds the write lock; this one has no busy timeout, so BEGIN IMMEDIATE fails at once.
    const other = new SqliteDatabase(notesDb.path);
    other.exec('begin immediate');
    const outcomes = await Promise.allSettled([group.run(add('p')), group.run(add('q'))]);
    assert.deepEqual(
      outcomes.map((o) => (o.status === 'rejected' ? (o.reason as { code?: string }).code : o.value)),
      ['SQLITE_BUSY', 'SQLITE_BUSY'],
    );
    other.exec('rollback');
    other.close();
    assert.equal(await group.run(add('r')), 'r');
    assert.deepEqual(await notes(), ['r']);
  });

  it('a work alone runs without a savepoint, and its failure rolls its transaction back', async () => {
    await start();
    assert.equal(await group.run(add('alone')), 'alone');
    await assert.rejects(
      group.run(async (trx) => {
        await trx.insertInto('notes').values({ text: 'undone' }).execute();
        throw new Error('no');
      }),
      /^Error: no$/,
    );
    assert.deepEqual(await notes(), ['alone']);
    assert.equal(sent().filter((text) => text.startsWith('savepoint')).length, 0);
    assert.equal(sent().filter((text) => text === 'rollback').length, 1);
  });

  it('commits a group that has run its time, and runs the works it had not started in the next', async () => {
    await start();
    const bounded = groupCommit(db, { maxGroupMs: 5 });
    const slow = (text: string) => async (trx: Transaction<Notes>) => {
      const until = performance.now() + 10;
      while (performance.now() < until); // holds the thread, as a large bulk write does
      return add(text)(trx);
    };
    const results = await Promise.all([bounded.run(slow('s1')), bounded.run(slow('s2')), bounded.run(add('quick'))]);
    assert.deepEqual(results, ['s1', 's2', 'quick']);
    // s1 fills the first group's time; s2 then does the same for the second; quick is left for a third.
    assert.equal(begun(), 3);
    assert.equal(committed(), 3);
    assert.deepEqual(await notes(), ['s1', 's2', 'quick']);
  });

  it('a closed write gate holds groups back, and the works that wait meanwhile commit as one group when it opens', async () => {
    await start();
    const gate = new WriteGate();
    const gated = groupCommit(db, { maxGroupMs: 60_000, gate });
    await gate.close();
    const first = gated.run(add('held-1'));
    await new Promise((resolve) => setTimeout(resolve, 20));
    const second = gated.run(add('held-2'));
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal(begun(), 0, 'no transaction began while the gate was closed');
    assert.equal(gate.waiting, 1, 'the two works wait at the gate as one group');
    gate.open();
    assert.deepEqual(await Promise.all([first, second]), ['held-1', 'held-2']);
    assert.equal(gate.waiting, 0);
    assert.equal(begun(), 1);
    assert.deepEqual(await notes(), ['held-1', 'held-2']);
  });

  it('closing the write gate waits for the group inside to commit', async () => {
    await start();
    const gate = new WriteGate();
    const gated = groupCommit(db, { maxGroupMs: 60_000, gate });
    let release!: () => void;
    const inside = gated.run(async (trx) => {
      await new Promise<void>((resolve) => (release = resolve));
      return add('inside')(trx);
    });
    while (begun() === 0) await new Promise((resolve) => setImmediate(resolve));
    let closed = false;
    const closing = gate.close().then(() => (closed = true));
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal(closed, false, 'close resolved while a group was still open');
    release();
    await closing;
    assert.equal(committed(), 1);
    assert.equal(await inside, 'inside');
    gate.open();
  });

  it('works started in later turns form later groups', async () => {
    await start();
    assert.equal(await group.run(add('one')), 'one');
    assert.equal(await group.run(add('two')), 'two');
    assert.equal(begun(), 2);
    assert.deepEqual(await notes(), ['one', 'two']);
  });
});
