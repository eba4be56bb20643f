// POST /api/v1/telemetry/batch with bodies over 1 MiB, which are read in a worker thread instead of on the event
// loop (docs/security.md): stored whole, as the same readings sent in small bodies are; refused with the very
// answers small bodies get, writing nothing.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { gzipSync } from 'node:zlib';
import type { LightMyRequestResponse } from 'fastify';
import { seedDevice } from '../../support/dashboard.js';
import { unique } from '../../support/ext-v1-endpoints.js';
import { describeEachDialect, type Harness } from '../../support/harness.js';
import { latest, postBatch, storedReadings } from './support.js';

const MiB = 1024 * 1024;

async function orgWithDevices(h: Harness, count: number) {
  const org = await h.newOrg();
  const devices: Array<{ id: string; identifier: string }> = [];
  for (let i = 0; i < count; i++) {
    const identifier = unique('SN');
    devices.push({ identifier, id: await seedDevice(h, org.organizationId, identifier) });
  }
  return { org, devices };
}

/** Readings as the storage holds them, whichever device they are on. */
async function storedOf(h: Harness, devices: ReadonlyArray<{ id: string }>) {
  return Promise.all(devices.map((device) => storedReadings(h, device.id)));
}

async function latestOf(h: Harness, apiKey: string, devices: ReadonlyArray<{ id: string }>) {
  return Promise.all(devices.map((device) => latest(h, apiKey, device.id)));
}

/** The error of a refusal, without its request id. */
function refusal(res: LightMyRequestResponse): { status: number; code: string; message: string } {
  const { code, message } = res.json().error;
  return { status: res.statusCode, code, message };
}

describeEachDialect('POST /api/v1/telemetry/batch, bodies over 1 MiB', (h) => {
  // Per device, 1500 readings at distinct times of three keys, one a 900-character text: about 1.9 MiB in all.
  const readingsOf = (t: number, device: number) =>
    Array.from({ length: 500 }, (_, i) => ({
      ts: t + i,
      values: { n: device * 1000 + i, on: i % 2 === 0, note: `${device}:${i},"${'x'.repeat(900)}` },
    }));

  it('stores a JSON body whole, as the same readings in small bodies', async () => {
    const t = h.clock.now().getTime() - 3_600_000;
    const large = await orgWithDevices(h, 4);
    const small = await orgWithDevices(h, 4);
    const body = Object.fromEntries(large.devices.map((device, d) => [device.identifier, readingsOf(t, d)]));
    assert.ok(Buffer.byteLength(JSON.stringify(body)) > 1.5 * MiB);
    const res = await postBatch(h, large.org.apiKey, body);
    assert.equal(res.statusCode, 202, res.body);
    assert.deepEqual(res.json(), { accepted: 6000 });
    for (const [d, device] of small.devices.entries()) {
      for (const part of [0, 250]) {
        const piece = await postBatch(h, small.org.apiKey, { [device.identifier]: readingsOf(t, d).slice(part, part + 250) });
        assert.deepEqual(piece.json(), { accepted: 750 });
      }
    }
    assert.deepEqual(await storedOf(h, large.devices), await storedOf(h, small.devices));
    assert.deepEqual(await latestOf(h, large.org.apiKey, large.devices), await latestOf(h, small.org.apiKey, small.devices));
    assert.equal((await storedReadings(h, large.devices[0]!.id)).length, 1500);
  });

  it('stores a gzip CSV body that inflates past 1 MiB whole, as the same rows in small bodies', async () => {
    const t = h.clock.now().getTime() - 3_600_000;
    const large = await orgWithDevices(h, 4);
    const small = await orgWithDevices(h, 4);
    const csvRows = (identifier: string, d: number) =>
      readingsOf(t, d).flatMap(({ ts, values }) => [
        `${identifier},${ts},n,${values.n}`,
        `${identifier},${new Date(ts).toISOString()},on,${values.on}`,
        `${identifier},${ts},note,"${values.note.replaceAll('"', '""')}"`,
      ]);
    const csv = ['device,ts,key,value', ...large.devices.flatMap((device, d) => csvRows(device.identifier, d))].join('\r\n');
    assert.ok(Buffer.byteLength(csv) > 1.5 * MiB);
    const zipped = gzipSync(csv);
    assert.ok(zipped.length < MiB);
    const res = await postBatch(h, large.org.apiKey, zipped, { 'content-type': 'text/csv', 'content-encoding': 'gzip' });
    assert.equal(res.statusCode, 202, res.body);
    assert.deepEqual(res.json(), { accepted: 6000 });
    for (const [d, device] of small.devices.entries()) {
      const piece = await postBatch(h, small.org.apiKey, ['device,ts,key,value', ...csvRows(device.identifier, d)].join('\n'), {
        'content-type': 'text/csv',
      });
      assert.deepEqual(piece.json(), { accepted: 1500 });
    }
    assert.deepEqual(await storedOf(h, large.devices), await storedOf(h, small.devices));
    assert.deepEqual(await latestOf(h, large.org.apiKey, large.devices), await latestOf(h, small.org.apiKey, small.devices));
  });

  it('refuses as small bodies are refused, plain and gzip, writing nothing', async () => {
    const t = h.clock.now().getTime() - 3_600_000;
    const { org, devices } = await orgWithDevices(h, 2);
    const [a, b] = devices as [{ id: string; identifier: string }, { id: string; identifier: string }];
    const fine = readingsOf(t, 0);
    const tooMany: Record<string, number> = {};
    for (let i = 0; i < 10_001; i++) tooMany[`k${i}`] = i;
    const csvHeader = 'device,ts,key,value';
    const tooManyRows = Array.from({ length: 10_001 }, (_, i) => `${a.identifier},${t + i},k,${i}`);
    const json = { 'content-type': 'application/json' };
    const csv = { 'content-type': 'text/csv' };
    // Each body is sent as it is, then padded past 1 MiB (JSON with trailing spaces, CSV with trailing blank lines).
    const cases: Array<{ body: string; headers: Record<string, string>; status: number; message: string }> = [
      {
        body: JSON.stringify({ [a.identifier]: fine, [b.identifier]: tooMany }),
        headers: json,
        status: 400,
        message: `${b.identifier}: readings exceed the limit of 10000 per request`,
      },
      { body: `{"${a.identifier}": {"k": 1},`, headers: json, status: 400, message: 'The body is not valid JSON' },
      { body: `{"${a.identifier}": {"__proto__": {"k": 1}}}`, headers: json, status: 400, message: 'The body is not valid JSON' },
      { body: '[{"k": 1}]', headers: json, status: 400, message: 'body: Expected union value' },
      { body: `{"${a.identifier}": {"k": "a\\u0000b"}}`, headers: json, status: 400, message: `${a.identifier}.k: must not contain NUL characters` },
      {
        body: JSON.stringify({ [a.identifier]: fine, [b.identifier]: { broken: [1, 2] } }),
        headers: json,
        status: 400,
        message: `${b.identifier}: broken has an invalid value: a reading is a finite number, a boolean or a string of at most 4096 characters`,
      },
      {
        body: [csvHeader, `${a.identifier},${t},k,1`, `${b.identifier},${t},k`].join('\n'),
        headers: csv,
        status: 400,
        message: 'line 3 has 3 fields, not 4',
      },
      {
        body: [csvHeader, `${a.identifier},${t},k,1`, `${b.identifier},yesterday,k,1`].join('\n'),
        headers: csv,
        status: 400,
        message: `line 3: ${b.identifier}: ts must be Unix time in milliseconds or ISO 8601 with a time zone (2026-01-31T12:00:00Z)`,
      },
      { body: [csvHeader, ...tooManyRows].join('\n'), headers: csv, status: 400, message: 'line 10002: readings exceed the limit of 10000 per request' },
    ];
    for (const { body, headers, status, message } of cases) {
      const padded = body + (headers['content-type'] === 'text/csv' ? '\n' : ' ').repeat(MiB + 1);
      for (const sent of [body, padded]) {
        const expected = { status, code: 'bad_request', message };
        assert.deepEqual(refusal(await postBatch(h, org.apiKey, sent, headers)), expected);
        assert.deepEqual(refusal(await postBatch(h, org.apiKey, gzipSync(sent), { ...headers, 'content-encoding': 'gzip' })), expected);
      }
    }
    assert.deepEqual(await storedOf(h, devices), [[], []]);
    const series = await h.database.db.selectFrom('telemetry_series').select('id').where('device_id', 'in', [a.id, b.id]).execute();
    assert.deepEqual(series, []);
  });
});
