// On PostgreSQL, migration 0005 leaves 15% of each page of `devices` free, so that bulk-metadata's rewrites stay on
// their page and add no index entries (docs/performance/experiments.md). Checked two ways, neither a timing: PostgreSQL's own
// record of the setting, and where a row's updated version lands after a bulk-metadata request. SQLite has no such
// setting; the migration leaves it alone.
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { it } from 'node:test';
import { DEVICES_FILLFACTOR } from '../../src/db/migrations/0005_devices_fillfactor.js';
import { describeDialect } from '../support/harness.js';

/** Enough devices of about 150 bytes each to fill the table's first pages of 8 KiB. */
const DEVICES = 200;
/** Devices of the first page, rewritten by one bulk request: 15% of a page holds their new versions. */
const REWRITTEN = 5;

describeDialect('postgres', 'devices table storage', (h) => {
  it('leaves room in each page for a row’s updated version', async () => {
    const { rows } = await sql<{ reloptions: string[] | null }>`
      select reloptions from pg_class where relname = 'devices' and relkind = 'r'`.execute(h.database.db);
    assert.deepEqual(rows, [{ reloptions: [`fillfactor=${DEVICES_FILLFACTOR}`] }]);
  });

  it('keeps a device rewritten by bulk-metadata on its page (a full page would move it)', async () => {
    const { apiKey, organizationId } = await h.newOrg();
    for (let i = 0; i < DEVICES; i++) {
      const created = await h.extPost('/device', apiKey, { identifier: `FF-${String(i).padStart(3, '0')}`, type: 'sensor' });
      assert.equal(created.statusCode, 200, created.body);
    }
    const rewritten = Array.from({ length: REWRITTEN }, (_, i) => `FF-${String(i).padStart(3, '0')}`);
    // The page each row's current version is on: the first part of its ctid, "(page,slot)".
    const pages = async () =>
      (
        await sql<{ identifier: string; page: number }>`
          select identifier, (ctid::text::point)[0]::int as page from devices
          where organization_id = ${organizationId} and identifier = any(${rewritten}) order by identifier`.execute(h.database.db)
      ).rows;
    const before = await pages();
    assert.deepEqual(new Set(before.map((row) => row.page)), new Set([before[0]!.page]), 'the rewritten devices share a page');

    const updated = await h.extPost('/device/bulk-metadata', apiKey, {
      devices: Object.fromEntries(rewritten.map((identifier) => [identifier, { firmware: '2.0.1' }])),
    });
    assert.equal(updated.statusCode, 200, updated.body);
    assert.deepEqual(await pages(), before);
  });
});
