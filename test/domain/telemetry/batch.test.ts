// POST /api/v1/telemetry/batch: organization credentials, keyed by device identifier; JSON and CSV (plain and
// gzip); unknown identifiers and another organization's; the 10 MiB limit counted after inflating.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { seedDevice } from '../../support/dashboard.js';
import { unique } from '../../support/ext-v1-endpoints.js';
import { describeEachDialect, type Harness, type TestOrg } from '../../support/harness.js';
import { assertError, deviceWithToken, latest, postBatch, storedReadings } from './support.js';

async function twoDevices(h: Harness): Promise<{ org: TestOrg; a: { id: string; identifier: string }; b: { id: string; identifier: string } }> {
  const org = await h.newOrg();
  const a = { identifier: unique('SN'), id: '' };
  const b = { identifier: unique('SN'), id: '' };
  a.id = await seedDevice(h, org.organizationId, a.identifier);
  b.id = await seedDevice(h, org.organizationId, b.identifier);
  return { org, a, b };
}

async function errorCount(h: Harness, deviceId: string): Promise<number> {
  const row = await h.database.db.selectFrom('devices').select('ingest_error_count').where('id', '=', deviceId).executeTakeFirstOrThrow();
  return Number(row.ingest_error_count);
}

describeEachDialect('POST /api/v1/telemetry/batch', (h) => {
  it('stores JSON keyed by identifier, each value one of the three shapes', async () => {
    const { org, a, b } = await twoDevices(h);
    const t = h.clock.now().getTime() - 60_000;
    const res = await postBatch(h, org.apiKey, {
      [a.identifier]: [{ ts: t, values: { temperature: 21.5 } }, { ts: t + 1, values: { temperature: 21.7 } }],
      [b.identifier]: { temperature: 19 },
    });
    assert.equal(res.statusCode, 202, res.body);
    assert.deepEqual(res.json(), { accepted: 3 });
    assert.deepEqual(await latest(h, org.apiKey, a.id), { temperature: { ts: t + 1, value: 21.7 } });
    assert.equal((await latest(h, org.apiKey, b.id)).temperature!.value, 19);
    const single = await postBatch(h, org.apiKey, { [a.identifier]: { ts: t + 2, values: { humidity: 50 } } });
    assert.deepEqual(single.json(), { accepted: 1 });
  });

  it('refuses a device token and no credentials with 401', async () => {
    const d = await deviceWithToken(h);
    assertError(await h.request({ method: 'POST', url: '/api/v1/telemetry/batch', headers: { authorization: `Bearer ${d.token}` }, body: { [d.identifier]: { a: 1 } } }), 401, 'unauthorized');
    assertError(await h.request({ method: 'POST', url: '/api/v1/telemetry/batch', body: { [d.identifier]: { a: 1 } } }), 401, 'unauthorized');
  });

  it('stores CSV, plain and gzip, with ts in ms or ISO 8601 and values typed', async () => {
    const { org, a, b } = await twoDevices(h);
    const t = h.clock.now().getTime() - 3_600_000;
    const iso = new Date(t + 1000).toISOString();
    const csv = [
      'device,ts,key,value',
      `${a.identifier},${t},temperature,21.5`,
      `${a.identifier},${iso},door,"closed, locked"`,
      `${b.identifier},${t},on,true`,
      `${b.identifier},${t},label,"say ""hi"""`,
      '',
    ].join('\r\n');
    const plain = await postBatch(h, org.apiKey, csv, { 'content-type': 'text/csv' });
    assert.equal(plain.statusCode, 202, plain.body);
    assert.deepEqual(plain.json(), { accepted: 4 });
    assert.deepEqual(await latest(h, org.apiKey, a.id), { door: { ts: t + 1000, value: 'closed, locked' }, temperature: { ts: t, value: 21.5 } });
    assert.deepEqual(await latest(h, org.apiKey, b.id), { label: { ts: t, value: 'say "hi"' }, on: { ts: t, value: true } });

    const zipped = gzipSync(`device,ts,key,value\n${a.identifier},${t + 5},temperature,-3e1\n`);
    const res = await postBatch(h, org.apiKey, zipped, { 'content-type': 'text/csv', 'content-encoding': 'gzip' });
    assert.equal(res.statusCode, 202, res.body);
    assert.deepEqual((await latest(h, org.apiKey, a.id)).temperature, { ts: t + 5, value: -30 });

    const json = gzipSync(JSON.stringify({ [b.identifier]: { ts: t + 9, values: { x: 1 } } }));
    const jsonRes = await postBatch(h, org.apiKey, json, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
    assert.equal(jsonRes.statusCode, 202, jsonRes.body);
  });

  it('refuses bad CSV with a 400 naming the line and the key, storing nothing', async () => {
    const { org, a } = await twoDevices(h);
    const csv = (rows: string[]) => ['device,ts,key,value', ...rows].join('\n');
    const t = h.clock.now().getTime();
    const cases: Array<[string, string]> = [
      ['wrong,header\n', 'line 1'],
      [csv([`${a.identifier},${t},ok,1`, `${a.identifier},yesterday,k,1`]), 'line 3'],
      [csv([`${a.identifier},${t},ok,1`, `${a.identifier},${t},${'k'.repeat(256)},1`]), 'line 3'],
      [csv([`${a.identifier},${t},ok,1`, `${a.identifier},${t},k,${'v'.repeat(4097)}`]), 'line 3: '],
      [csv([`${a.identifier},${t},ok,1`, `${a.identifier},${t + 3_600_000},k,1`]), 'future'],
      [csv([`${a.identifier},${t},ok`]), 'line 2'],
      [csv([`${a.identifier},2026-01-01T00:00:00,ok,1`]), 'time zone'],
    ];
    for (const [body, part] of cases) assertError(await postBatch(h, org.apiKey, body, { 'content-type': 'text/csv' }), 400, 'bad_request', part);
    assert.deepEqual(await storedReadings(h, a.id), []);
  });

  it('refuses unknown identifiers naming up to ten, and counts the refusal on the known devices', async () => {
    const { org, a } = await twoDevices(h);
    const body: Record<string, unknown> = { [a.identifier]: { x: 1 } };
    for (let i = 0; i < 12; i++) body[`ghost-${i}`] = { x: 1 };
    const res = await postBatch(h, org.apiKey, body);
    assertError(res, 400, 'bad_request', '"ghost-0"');
    assert.ok(res.json().error.message.includes('"ghost-9"'));
    assert.ok(!res.json().error.message.includes('"ghost-10"'));
    assert.ok(res.json().error.message.includes('and 2 more'));
    assert.deepEqual(await storedReadings(h, a.id), []);
    assert.equal(await errorCount(h, a.id), 1);
  });

  it("refuses another organization's identifiers and counts nothing on its devices", async () => {
    const mine = await twoDevices(h);
    const theirs = await twoDevices(h);
    const res = await postBatch(h, mine.org.apiKey, { [mine.a.identifier]: { x: 1 }, [theirs.a.identifier]: { x: 1 } });
    assertError(res, 400, 'bad_request', theirs.a.identifier);
    assert.deepEqual(await storedReadings(h, mine.a.id), []);
    assert.deepEqual(await storedReadings(h, theirs.a.id), []);
    assert.equal(await errorCount(h, theirs.a.id), 0);
  });

  it('refuses a bad value of one device (naming device and key) and stores nothing of the others', async () => {
    const { org, a, b } = await twoDevices(h);
    const res = await postBatch(h, org.apiKey, { [a.identifier]: { fine: 1 }, [b.identifier]: { broken: [1, 2] } });
    assertError(res, 400, 'bad_request', `${b.identifier}: broken`);
    assert.deepEqual(await storedReadings(h, a.id), []);
    assert.equal(await errorCount(h, a.id), 1);
    assert.equal(await errorCount(h, b.id), 1);
  });

  it('refuses 10,001 readings (400) and bodies over 10 MiB, also once inflated (413)', async () => {
    const { org, a } = await twoDevices(h);
    const values: Record<string, number> = {};
    for (let i = 0; i < 10_001; i++) values[`k${i}`] = i;
    assertError(await postBatch(h, org.apiKey, { [a.identifier]: values }), 400, 'bad_request', '10000');

    const rows = ['device,ts,key,value'];
    for (let i = 0; i < 10_001; i++) rows.push(`${a.identifier},${1_700_000_000_000 + i},k,${i}`);
    assertError(await postBatch(h, org.apiKey, rows.join('\n'), { 'content-type': 'text/csv' }), 400, 'bad_request', '10000');

    const big = JSON.stringify({ [a.identifier]: { s: 'x'.repeat(10 * 1024 * 1024) } });
    assertError(await postBatch(h, org.apiKey, big, { 'content-type': 'application/json' }), 413, 'payload_too_large');
    // Under 2 MiB once compressed, past the limit once inflated: refused without holding the inflated body.
    const bomb = gzipSync(Buffer.alloc(64 * 1024 * 1024, 0x20));
    assert.ok(bomb.length < 1024 * 1024);
    assertError(await postBatch(h, org.apiKey, bomb, { 'content-type': 'text/csv', 'content-encoding': 'gzip' }), 413, 'payload_too_large');
    assertError(await postBatch(h, org.apiKey, Buffer.from('x'), { 'content-type': 'text/csv', 'content-encoding': 'br' }), 415, 'unsupported_media_type');
    assertError(await postBatch(h, org.apiKey, Buffer.from('not gzip'), { 'content-type': 'text/csv', 'content-encoding': 'gzip' }), 400, 'bad_request');
    assert.deepEqual(await storedReadings(h, a.id), []);

    // A body between 1 and 10 MiB is taken on this path.
    const wide: Record<string, string> = {};
    for (let i = 0; i < 400; i++) wide[`s${i}`] = 'y'.repeat(4000);
    const accepted = await postBatch(h, org.apiKey, { [a.identifier]: wide });
    assert.equal(accepted.statusCode, 202, accepted.body.slice(0, 300));
  });

  it('stores 10,000 readings of one request in one go (past either database bound on parameters)', async () => {
    const { org, a, b } = await twoDevices(h);
    const t = h.clock.now().getTime() - 10_000_000;
    const batch = (offset: number) => Array.from({ length: 2500 }, (_, i) => ({ ts: t + offset + i, values: { p: i, q: -i } }));
    const res = await postBatch(h, org.apiKey, { [a.identifier]: batch(0), [b.identifier]: batch(0) });
    assert.equal(res.statusCode, 202, res.body);
    assert.deepEqual(res.json(), { accepted: 10_000 });
    assert.equal((await storedReadings(h, a.id)).length, 5000);
    assert.deepEqual((await latest(h, org.apiKey, b.id)).q, { ts: t + 2499, value: -2499 });
  });
});
