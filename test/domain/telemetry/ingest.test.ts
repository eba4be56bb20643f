// POST /api/v1/telemetry (device token) and what it stores: the three shapes, idempotency, out-of-order readings,
// the limits, and nothing stored by a refused request.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { describeEachDialect } from '../../support/harness.js';
import { assertError, deviceWithToken, latest, postTelemetry, storedReadings } from './support.js';

describeEachDialect('POST /api/v1/telemetry', (h) => {
  it('takes the flat shape at the receive time', async () => {
    const d = await deviceWithToken(h);
    const before = h.clock.now().getTime();
    const res = await postTelemetry(h, d.token, { temperature: 21.5, door: 'closed', on: true });
    assert.equal(res.statusCode, 202, res.body);
    assert.deepEqual(res.json(), { accepted: 3 });
    const values = await latest(h, d.org.apiKey, d.deviceId);
    assert.deepEqual(Object.keys(values).sort(), ['door', 'on', 'temperature']);
    assert.equal(values.temperature!.value, 21.5);
    assert.equal(values.door!.value, 'closed');
    assert.equal(values.on!.value, true);
    assert.ok(values.temperature!.ts >= before && values.temperature!.ts <= h.clock.now().getTime());
  });

  it('takes the {ts, values} shape and the array of them', async () => {
    const d = await deviceWithToken(h);
    const t = h.clock.now().getTime() - 60_000;
    assert.equal((await postTelemetry(h, d.token, { ts: t, values: { temperature: 1 } })).statusCode, 202);
    const res = await postTelemetry(h, d.token, [
      { ts: t + 1000, values: { temperature: 2, humidity: 40 } },
      { ts: t + 2000, values: { temperature: 3 } },
    ]);
    assert.equal(res.statusCode, 202, res.body);
    assert.deepEqual(res.json(), { accepted: 3 });
    const rows = await storedReadings(h, d.deviceId);
    assert.deepEqual(
      rows.map((r) => [r.key, r.ts, r.num]),
      [
        ['humidity', t + 1000, 40],
        ['temperature', t, 1],
        ['temperature', t + 1000, 2],
        ['temperature', t + 2000, 3],
      ],
    );
    assert.deepEqual(await latest(h, d.org.apiKey, d.deviceId), { humidity: { ts: t + 1000, value: 40 }, temperature: { ts: t + 2000, value: 3 } });
  });

  it('stores the same (device, key, ts) once, the last value winning, and stores out-of-order readings', async () => {
    const d = await deviceWithToken(h);
    const t = h.clock.now().getTime() - 600_000;
    await postTelemetry(h, d.token, { ts: t + 5000, values: { v: 5 } });
    assert.equal((await postTelemetry(h, d.token, { ts: t, values: { v: 1 } })).statusCode, 202);
    assert.equal((await postTelemetry(h, d.token, { ts: t, values: { v: 2 } })).statusCode, 202);
    const rows = await storedReadings(h, d.deviceId);
    assert.deepEqual(rows.map((r) => [r.ts, r.num]), [[t, 2], [t + 5000, 5]]);
    // The late reading did not move the latest value back.
    assert.deepEqual(await latest(h, d.org.apiKey, d.deviceId), { v: { ts: t + 5000, value: 5 } });
    // The same ts again with a new value replaces the latest too.
    await postTelemetry(h, d.token, { ts: t + 5000, values: { v: 6 } });
    assert.deepEqual((await storedReadings(h, d.deviceId)).map((r) => [r.ts, r.num]), [[t, 2], [t + 5000, 6]]);
  });

  it('sets lastSeenAt on the device record', async () => {
    const d = await deviceWithToken(h);
    const before = await h.request({ method: 'GET', url: `/api/v1/devices/${d.deviceId}`, headers: { 'x-api-key': d.org.apiKey } });
    assert.equal(before.json().lastSeenAt, null);
    await postTelemetry(h, d.token, { x: 1 });
    const after = await h.request({ method: 'GET', url: `/api/v1/devices/${d.deviceId}`, headers: { 'x-api-key': d.org.apiKey } });
    assert.match(after.json().lastSeenAt, /^\d{4}-\d{2}-\d{2}T/);
  });

  it('refuses anything but a live device token with 401, before reading the body', async () => {
    const d = await deviceWithToken(h);
    for (const headers of <Record<string, string>[]>[
      {},
      { authorization: `Bearer ${d.org.apiKey}` },
      { 'x-api-key': d.org.apiKey },
      { authorization: 'Bearer tlmd_' + 'x'.repeat(40) },
      { authorization: `Basic ${d.token}` },
    ]) {
      const res = await postTelemetry(h, undefined, '{not json', { ...headers, 'content-type': 'application/json' });
      assertError(res, 401, 'unauthorized');
    }
    assert.deepEqual(await storedReadings(h, d.deviceId), []);
  });

  it('refuses a revoked token and a replaced one at once', async () => {
    const d = await deviceWithToken(h);
    assert.equal((await postTelemetry(h, d.token, { a: 1 })).statusCode, 202);
    const reissued = await h.request({ method: 'POST', url: `/api/v1/devices/${d.deviceId}/token`, headers: { 'x-api-key': d.org.apiKey } });
    assert.equal(reissued.statusCode, 201);
    const fresh = reissued.json().token as string;
    assertError(await postTelemetry(h, d.token, { a: 2 }), 401, 'unauthorized');
    assert.equal((await postTelemetry(h, fresh, { a: 3 })).statusCode, 202);
    const revoked = await h.request({ method: 'DELETE', url: `/api/v1/devices/${d.deviceId}/token`, headers: { 'x-api-key': d.org.apiKey } });
    assert.equal(revoked.statusCode, 200, revoked.body);
    assert.equal(revoked.json().deviceId, d.deviceId);
    assertError(await postTelemetry(h, fresh, { a: 4 }), 401, 'unauthorized');
  });

  it('refuses bad values with a 400 naming the key, and stores nothing of the request', async () => {
    const d = await deviceWithToken(h);
    for (const [body, key] of [
      [{ good: 1, bad: null }, 'bad'],
      [{ good: 1, obj: { a: 1 } }, 'obj'],
      [{ good: 1, arr: [1] }, 'arr'],
      [{ good: 1, long: 'x'.repeat(4097) }, 'long'],
      [{ ts: h.clock.now().getTime(), values: { good: 1, nested: {} } }, 'nested'],
      [[{ ts: h.clock.now().getTime(), values: { good: 1 } }, { ts: 1, values: { worse: null } }], 'worse'],
    ] as const) {
      assertError(await postTelemetry(h, d.token, body), 400, 'bad_request', key);
    }
    assertError(await postTelemetry(h, d.token, { ['k'.repeat(256)]: 1 }), 400, 'bad_request', 'not a valid key');
    assertError(await postTelemetry(h, d.token, { 'a\u0001b': 1 }), 400, 'bad_request', 'not a valid key');
    assertError(await postTelemetry(h, d.token, { ts: 0, values: { a: 1 } }), 400, 'bad_request', 'ts');
    assertError(await postTelemetry(h, d.token, { ts: 1.5, values: { a: 1 } }), 400, 'bad_request', 'ts');
    assertError(await postTelemetry(h, d.token, { ts: '1', values: { a: 1 } }), 400, 'bad_request', 'ts');
    assertError(await postTelemetry(h, d.token, { ts: 1, values: { a: 1 }, extra: 1 }), 400, 'bad_request', 'values');
    const json = { 'content-type': 'application/json' };
    assertError(await postTelemetry(h, d.token, '"text"', json), 400, 'bad_request');
    assertError(await postTelemetry(h, d.token, '{"a": NaN}', json), 400, 'bad_request');
    assertError(await postTelemetry(h, d.token, '{"a": 1e999}', json), 400, 'bad_request', 'a has an invalid value');
    assert.deepEqual(await storedReadings(h, d.deviceId), []);
  });

  it('refuses a ts more than 5 minutes in the future', async () => {
    const d = await deviceWithToken(h);
    const now = h.clock.now().getTime();
    assertError(await postTelemetry(h, d.token, { ts: now + 6 * 60_000, values: { a: 1 } }), 400, 'bad_request', 'future');
    assert.equal((await postTelemetry(h, d.token, { ts: now + 60_000, values: { a: 1 } })).statusCode, 202);
  });

  it('refuses more than 10,000 readings (400) and a body over 1 MiB (413)', async () => {
    const d = await deviceWithToken(h);
    const values: Record<string, number> = {};
    for (let i = 0; i < 10_001; i++) values[`k${i}`] = i;
    assertError(await postTelemetry(h, d.token, values), 400, 'bad_request', '10000');
    const big = JSON.stringify({ s: 'x'.repeat(1024 * 1024) });
    assertError(await postTelemetry(h, d.token, big, { 'content-type': 'application/json' }), 413, 'payload_too_large');
    assert.deepEqual(await storedReadings(h, d.deviceId), []);
  });

  it('counts a refused request in the device ingest errors', async () => {
    const d = await deviceWithToken(h);
    await postTelemetry(h, d.token, { bad: null });
    const row = await h.database.db.selectFrom('devices').select(['ingest_error_count', 'last_ingest_error', 'last_ingest_error_at']).where('id', '=', d.deviceId).executeTakeFirstOrThrow();
    assert.equal(Number(row.ingest_error_count), 1);
    assert.match(row.last_ingest_error!, /bad/);
    assert.ok(row.last_ingest_error_at);
  });
});
