import assert from 'node:assert/strict';
import { it } from 'node:test';
import pg from 'pg';
import { writeGateOf } from '../../../src/db/connect.js';
import { describeEachDialect } from '../../support/harness.js';
import { until } from '../../support/until.js';
import { sessionsWaitingForALock } from '../../support/postgres.js';

const TYPE_REQUIRED = 'type is required when creating a new device';
const DEVICES_REQUIRED = 'devices is required and must be an object mapping identifiers to metadata';

describeEachDialect('ext-v1 devices', (h) => {
  async function post(apiKey: string, path: string, body: unknown) {
    const res = await h.extPost(path, apiKey, body);
    return { status: res.statusCode, body: res.json() as Record<string, unknown> };
  }
  const upsert = (apiKey: string, body: unknown) => post(apiKey, '/device', body);
  const bulk = (apiKey: string, body: unknown) => post(apiKey, '/device/bulk-metadata', body);

  async function storedDevice(organizationId: string, identifier: string) {
    const row = await h.database.db
      .selectFrom('devices')
      .selectAll()
      .where('organization_id', '=', organizationId)
      .where('identifier', '=', identifier)
      .executeTakeFirst();
    return row && { ...row, metadata: JSON.parse(row.metadata) as Record<string, unknown> };
  }

  it('creates a device, then updates it by identifier with properties merged key by key', async () => {
    const { apiKey, organizationId } = await h.newOrg();
    const created = await upsert(apiKey, { identifier: ' SN-1 ', type: 'thermostat', properties: { fw: '1.0', room: 'hall' } });
    assert.equal(created.status, 200);
    const deviceId = created.body.deviceId as string;
    assert.match(deviceId, /^[0-9a-f-]{36}$/);
    assert.deepEqual(created.body, {
      success: true,
      message: 'Device created successfully',
      deviceId,
      identifier: 'SN-1',
      type: 'thermostat',
    });

    const updated = await upsert(apiKey, { identifier: 'SN-1', properties: { fw: '1.1', color: 'white' } });
    assert.equal(updated.status, 200);
    assert.deepEqual(updated.body, {
      success: true,
      message: 'Device updated successfully',
      deviceId,
      identifier: 'SN-1',
      type: 'thermostat',
    });
    assert.deepEqual((await storedDevice(organizationId, 'SN-1'))?.metadata, { fw: '1.1', room: 'hall', color: 'white' });

    const retyped = await upsert(apiKey, { identifier: 'SN-1', type: 'sensor' });
    assert.equal(retyped.body.type, 'sensor');
    assert.deepEqual((await storedDevice(organizationId, 'SN-1'))?.metadata, { fw: '1.1', room: 'hall', color: 'white' });
  });

  it('refuses to create without a type, and lets an existing device be updated without one', async () => {
    const { apiKey, organizationId } = await h.newOrg();
    for (const body of [{ identifier: 'NEW-1' }, { identifier: 'NEW-1', type: '' }, { identifier: 'NEW-1', type: null }]) {
      const res = await upsert(apiKey, body);
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.equal(res.body.error, TYPE_REQUIRED);
    }
    assert.equal(await storedDevice(organizationId, 'NEW-1'), undefined);
  });

  it('validates POST /device fields with the exact messages', async () => {
    const { apiKey } = await h.newOrg();
    for (const body of [{}, { identifier: '' }, { identifier: '   ' }, { identifier: null, type: 't' }]) {
      const res = await upsert(apiKey, body);
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.equal(res.body.error, 'identifier is required');
    }
    for (const properties of ['text', [1, 2], 42, true]) {
      const res = await upsert(apiKey, { identifier: 'SN-2', type: 't', properties });
      assert.equal(res.status, 400, JSON.stringify(properties));
      assert.equal(res.body.error, 'properties must be an object');
    }
    const notJson = await h.request({
      method: 'POST',
      url: '/api/ext-v1/device',
      headers: { 'x-api-key': apiKey },
      body: '{"identifier":',
    });
    assert.equal(notJson.statusCode, 400);
    assert.equal(notJson.json().error, 'Invalid JSON payload');
  });

  it('refuses identifiers longer than 255 characters and accepts 255', async () => {
    const { apiKey, organizationId } = await h.newOrg();
    const tooLong = await upsert(apiKey, { identifier: 'x'.repeat(256), type: 't' });
    assert.equal(tooLong.status, 400);
    assert.equal(tooLong.body.error, 'identifier must be at most 255 characters');
    const longest = await upsert(apiKey, { identifier: ` ${'y'.repeat(255)} `, type: 't' });
    assert.equal(longest.status, 200);
    assert.equal(longest.body.identifier, 'y'.repeat(255));
    const rows = await h.database.db.selectFrom('devices').select('identifier').where('organization_id', '=', organizationId).execute();
    assert.deepEqual(rows, [{ identifier: 'y'.repeat(255) }]);
  });

  it('loses no key when properties of one device are merged in parallel', async () => {
    const { apiKey, organizationId } = await h.newOrg();
    await upsert(apiKey, { identifier: 'MERGE', type: 't' });
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => upsert(apiKey, { identifier: 'MERGE', properties: { [`k${i}`]: i } })),
    );
    for (const r of results) assert.equal(r.status, 200);
    const metadata = (await storedDevice(organizationId, 'MERGE'))?.metadata;
    assert.deepEqual(metadata, Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`k${i}`, i])));
  });

  it('creates one device when the same new identifier is posted in parallel', async () => {
    const { apiKey, organizationId } = await h.newOrg();
    const results = await Promise.all(
      Array.from({ length: 20 }, () => upsert(apiKey, { identifier: 'RACE', type: 't' })),
    );
    for (const r of results) assert.equal(r.status, 200);
    assert.equal(results.filter((r) => r.body.message === 'Device created successfully').length, 1);
    assert.equal(new Set(results.map((r) => r.body.deviceId)).size, 1);
    const rows = await h.database.db.selectFrom('devices').select('id').where('organization_id', '=', organizationId).execute();
    assert.equal(rows.length, 1);
  });

  it('replaces metadata in bulk, trimming keys, with one result per key in input order', async () => {
    const { apiKey, organizationId } = await h.newOrg();
    const a = (await upsert(apiKey, { identifier: 'A-1', type: 't', properties: { old: true, keep: 'no' } })).body.deviceId;
    const b = (await upsert(apiKey, { identifier: 'B-2', type: 't', properties: { x: 1 } })).body.deviceId;
    const res = await bulk(apiKey, { devices: { '  B-2 ': { y: 2 }, 'MISSING-9': { z: 3 }, 'A-1': { fresh: 'yes' } } });
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, {
      success: true,
      updated: 2,
      notFound: 1,
      results: [
        { identifier: 'B-2', deviceId: b, status: 'updated' },
        { identifier: 'MISSING-9', deviceId: '', status: 'not_found' },
        { identifier: 'A-1', deviceId: a, status: 'updated' },
      ],
    });
    assert.deepEqual((await storedDevice(organizationId, 'A-1'))?.metadata, { fresh: 'yes' });
    assert.deepEqual((await storedDevice(organizationId, 'B-2'))?.metadata, { y: 2 });
    assert.equal(await storedDevice(organizationId, 'MISSING-9'), undefined, 'bulk-metadata never creates');
    assert.equal((await storedDevice(organizationId, 'A-1'))?.type, 't');
  });

  it('applies parallel bulk requests over the same devices in opposite orders whole, without a deadlock', async () => {
    const { apiKey, organizationId } = await h.newOrg();
    const identifiers = Array.from({ length: 20 }, (_, i) => `P-${String(i).padStart(2, '0')}`);
    for (const identifier of identifiers) await upsert(apiKey, { identifier, type: 't' });
    const responses = await Promise.all(
      Array.from({ length: 8 }, (_, round) => {
        const order = round % 2 === 0 ? identifiers : [...identifiers].reverse();
        return bulk(apiKey, { devices: Object.fromEntries(order.map((identifier) => [identifier, { round }])) });
      }),
    );
    for (const res of responses) {
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.equal(res.body.updated, 20);
    }
    // One request committed last, and it wrote every device: no device carries another request's value.
    const rounds = new Set<unknown>();
    for (const identifier of identifiers) rounds.add((await storedDevice(organizationId, identifier))?.metadata.round);
    assert.equal(rounds.size, 1, `devices ended with the metadata of rounds ${[...rounds].join(', ')}`);
  });

  it('reports an identifier holding a NUL character as not found instead of failing in the database', async () => {
    const { apiKey } = await h.newOrg();
    const a = (await upsert(apiKey, { identifier: 'A-1', type: 't' })).body.deviceId;
    const res = await bulk(apiKey, { devices: { 'SN\u0000X': { z: 1 }, 'A-1': { ok: true } } });
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, {
      success: true,
      updated: 1,
      notFound: 1,
      results: [
        { identifier: 'SN\u0000X', deviceId: '', status: 'not_found' },
        { identifier: 'A-1', deviceId: a, status: 'updated' },
      ],
    });
  });

  it('keeps input order for integer-like identifiers, which JSON objects would list first', async () => {
    const { apiKey } = await h.newOrg();
    const serial = (await upsert(apiKey, { identifier: '20240001', type: 't' })).body.deviceId;
    const raw = '{"devices": {"SN-B": {}, "20240001": {"n": 1}, "7": {}, "SN-A": {"s": "}\\"{"}}}';
    const res = await bulk(apiKey, raw);
    assert.equal(res.status, 200);
    assert.deepEqual(res.body.results, [
      { identifier: 'SN-B', deviceId: '', status: 'not_found' },
      { identifier: '20240001', deviceId: serial, status: 'updated' },
      { identifier: '7', deviceId: '', status: 'not_found' },
      { identifier: 'SN-A', deviceId: '', status: 'not_found' },
    ]);
  });

  it('accepts 1000 entries and refuses 1001', async () => {
    const { apiKey, organizationId } = await h.newOrg();
    await upsert(apiKey, { identifier: 'D-0', type: 't' });
    await upsert(apiKey, { identifier: 'D-999', type: 't' });
    const entries = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`D-${i}`, { n: i }]));

    const ok = await bulk(apiKey, { devices: entries(1000) });
    assert.equal(ok.status, 200);
    assert.equal(ok.body.updated, 2);
    assert.equal(ok.body.notFound, 998);
    const results = ok.body.results as Array<{ identifier: string; status: string }>;
    assert.equal(results.length, 1000);
    assert.deepEqual(results[999], { identifier: 'D-999', deviceId: (await storedDevice(organizationId, 'D-999'))?.id, status: 'updated' });
    assert.deepEqual((await storedDevice(organizationId, 'D-999'))?.metadata, { n: 999 });

    const tooMany = await bulk(apiKey, { devices: entries(1001) });
    assert.equal(tooMany.status, 400);
    assert.equal(tooMany.body.error, 'Too many devices. Maximum 1000 per request');
  });

  it('validates the whole bulk request before writing anything', async () => {
    const { apiKey, organizationId } = await h.newOrg();
    await upsert(apiKey, { identifier: 'V-1', type: 't', properties: { before: 1 } });
    const res = await bulk(apiKey, { devices: { 'V-1': { after: 1 }, ' V-2 ': [1, 2], 'V-3': {} } });
    assert.equal(res.status, 400);
    assert.equal(res.body.error, 'Invalid metadata for device "V-2": must be a JSON object');
    assert.deepEqual((await storedDevice(organizationId, 'V-1'))?.metadata, { before: 1 });

    for (const value of [null, 'text', 42]) {
      const bad = await bulk(apiKey, { devices: { 'V-1': value } });
      assert.equal(bad.status, 400);
      assert.equal(bad.body.error, 'Invalid metadata for device "V-1": must be a JSON object');
    }
    for (const body of [{}, { devices: null }, { devices: [] }, { devices: [{ 'V-1': {} }] }, { devices: 'V-1' }]) {
      const bad = await bulk(apiKey, body);
      assert.equal(bad.status, 400, JSON.stringify(body));
      assert.equal(bad.body.error, DEVICES_REQUIRED);
    }
    const empty = await bulk(apiKey, { devices: {} });
    assert.equal(empty.status, 400);
    assert.equal(empty.body.error, 'devices must contain at least one entry');
    assert.deepEqual((await storedDevice(organizationId, 'V-1'))?.metadata, { before: 1 });
  });

  /**
   * Makes every write of the organization wait, as a slow disk or a long transaction would. Returns the release,
   * and a wait until `count` writes are held (the requests got past the concurrency limit and reached the database).
   */
  async function holdWrites(
    organizationId: string,
  ): Promise<{ release: () => Promise<void>; untilHeld: (count: number) => Promise<void> }> {
    const gate = writeGateOf(h.database);
    if (gate) {
      await gate.close();
      return {
        release: async () => gate.open(),
        untilHeld: (count) => until(() => gate.waiting >= count, `${count} writes were never held`),
      };
    }
    // PostgreSQL: bulk-metadata locks its rows before writing them, so holding those locks holds it.
    const client = new pg.Client({ connectionString: h.databaseUrl });
    await client.connect();
    await client.query('begin');
    await client.query('select id from devices where organization_id = $1 for update', [organizationId]);
    const held = () => sessionsWaitingForALock(client);
    return {
      release: async () => {
        await client.query('rollback');
        await client.end();
      },
      untilHeld: (count) => until(async () => (await held()) >= count, `${count} writes were never held`),
    };
  }

  it('handles two bulk requests at a time: a third waits, unread, until a place is free', async () => {
    const { apiKey, organizationId } = await h.newOrg();
    assert.equal((await upsert(apiKey, { identifier: 'Q-1', type: 'meter' })).status, 200);
    const { release, untilHeld } = await holdWrites(organizationId);
    let first, second, third;
    let thirdAnswered = false;
    try {
      first = bulk(apiKey, { devices: { 'Q-1': { n: 1 } } });
      second = bulk(apiKey, { devices: { 'Q-1': { n: 2 } } });
      // Requests reach the limit in the order their keys are checked, which on PostgreSQL (a query each) need not be
      // the order they were sent in: the third is sent once the first two hold their places.
      await untilHeld(2);
      // Its body would be refused at once if it were read; it waits for one of the two first.
      third = bulk(apiKey, { devices: [] }).finally(() => (thirdAnswered = true));
      await new Promise((resolve) => setTimeout(resolve, 300));
      assert.equal(thirdAnswered, false);
    } finally {
      await release();
    }
    const answers = await Promise.all([first, second, third]);
    assert.deepEqual(
      answers.map((answer) => answer.status),
      [200, 200, 400],
    );
    assert.equal(answers[0].body.updated, 1);
    assert.equal(answers[1].body.updated, 1);
    assert.deepEqual(answers[2].body, { error: DEVICES_REQUIRED, requestId: answers[2].body.requestId });
    assert.match(answers[2].body.requestId as string, /^[0-9a-f-]{36}$/);
  });

  it('takes bulk bodies above the default 1 MiB limit and answers 413 above 10 MiB', async () => {
    const { apiKey, organizationId } = await h.newOrg();
    await upsert(apiKey, { identifier: 'BIG', type: 't' });
    const twoMiB = await bulk(apiKey, { devices: { BIG: { blob: 'x'.repeat(2 * 1024 * 1024) } } });
    assert.equal(twoMiB.status, 200);
    assert.equal(twoMiB.body.updated, 1);
    const tooBig = await bulk(apiKey, { devices: { BIG: { blob: 'y'.repeat(11 * 1024 * 1024) } } });
    assert.equal(tooBig.status, 413);
    assert.equal(tooBig.body.error, 'Payload too large');
    assert.equal(((await storedDevice(organizationId, 'BIG'))?.metadata.blob as string)[0], 'x');
    const device = await upsert(apiKey, { identifier: 'BIG', properties: { blob: 'z'.repeat(2 * 1024 * 1024) } });
    assert.equal(device.status, 413, 'POST /device keeps the default limit');
  });

  it('answers 401 without a valid key and 405 for a wrong method', async () => {
    const { apiKey } = await h.newOrg();
    for (const path of ['/device', '/device/bulk-metadata']) {
      const res = await h.extPost(path, 'tlm_' + 'x'.repeat(40), '{not json');
      assert.equal(res.statusCode, 401);
      assert.equal(res.json().error, 'Invalid or missing API key');
      const none = await h.extPost(path, undefined, { identifier: 'X', type: 't' });
      assert.equal(none.statusCode, 401);
      const wrong = await h.extGet(path, apiKey);
      assert.equal(wrong.statusCode, 405);
      assert.equal(wrong.json().error, 'Method not allowed');
    }
  });

  it("keeps device identifiers per organization: another organization's key never sees or changes them", async () => {
    const owner = await h.newOrg('Owner');
    const other = await h.newOrg('Other');
    const mine = await upsert(owner.apiKey, { identifier: 'SHARED-SN', type: 'owner-type', properties: { secret: 1 } });

    const theirsWithoutType = await upsert(other.apiKey, { identifier: 'SHARED-SN', properties: { hijack: 1 } });
    assert.equal(theirsWithoutType.status, 400);
    assert.equal(theirsWithoutType.body.error, TYPE_REQUIRED);

    const theirs = await upsert(other.apiKey, { identifier: 'SHARED-SN', type: 'other-type' });
    assert.equal(theirs.status, 200);
    assert.equal(theirs.body.message, 'Device created successfully');
    assert.notEqual(theirs.body.deviceId, mine.body.deviceId);

    const foreignBulk = await bulk(other.apiKey, { devices: { 'SHARED-SN': { replaced: true }, 'ONLY-OWNER': {} } });
    assert.deepEqual(foreignBulk.body.results, [
      { identifier: 'SHARED-SN', deviceId: theirs.body.deviceId, status: 'updated' },
      { identifier: 'ONLY-OWNER', deviceId: '', status: 'not_found' },
    ]);
    const original = await storedDevice(owner.organizationId, 'SHARED-SN');
    assert.equal(original?.id, mine.body.deviceId);
    assert.equal(original?.type, 'owner-type');
    assert.deepEqual(original?.metadata, { secret: 1 });
  });

  it('lists the device routes in the OpenAPI document', async () => {
    const doc = (await h.request({ method: 'GET', url: '/openapi.json' })).json();
    assert.ok(doc.paths['/api/ext-v1/device'].post);
    assert.ok(doc.paths['/api/ext-v1/device/bulk-metadata'].post);
  });
});
