// Reading telemetry back: latest values, history over a range with its defaults, downsampling that keeps a spike,
// and another organization's device as a 404.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { describeEachDialect } from '../../support/harness.js';
import { assertError, deviceWithToken, history, postBatch } from './support.js';

describeEachDialect('GET /api/v1/devices/{id}/telemetry', (h) => {
  it('returns the last 24 hours of every key by default, oldest first', async () => {
    const d = await deviceWithToken(h);
    const now = h.clock.now().getTime();
    await postBatch(h, d.org.apiKey, {
      [d.identifier]: [
        { ts: now - 25 * 3_600_000, values: { t: 1 } },
        { ts: now - 2000, values: { t: 2, mode: 'eco' } },
        { ts: now - 1000, values: { t: 3, on: false } },
      ],
    });
    const all = await history(h, d.org.apiKey, d.deviceId, '');
    assert.deepEqual(all, {
      data: { mode: [[now - 2000, 'eco']], on: [[now - 1000, false]], t: [[now - 2000, 2], [now - 1000, 3]] },
      downsampled: false,
    });
    const some = await history(h, d.org.apiKey, d.deviceId, `keys=t,missing&from=${now - 26 * 3_600_000}&to=${now - 1500}`);
    assert.deepEqual(some, { data: { t: [[now - 25 * 3_600_000, 1], [now - 2000, 2]] }, downsampled: false });
  });

  it('reduces a long series to maxPoints keeping a single spike', async () => {
    const d = await deviceWithToken(h);
    const start = h.clock.now().getTime() - 5000 * 1000;
    const readings = Array.from({ length: 5000 }, (_, i) => ({ ts: start + i * 1000, values: { v: i === 3217 ? 1000 : Math.sin(i / 50) } }));
    assert.equal((await postBatch(h, d.org.apiKey, { [d.identifier]: readings })).statusCode, 202);
    const reduced = await history(h, d.org.apiKey, d.deviceId, `from=${start}&to=${start + 5_000_000}&maxPoints=100`);
    assert.equal(reduced.downsampled, true);
    const points = reduced.data.v!;
    assert.ok(points.length <= 100 && points.length >= 50, `${points.length} points`);
    assert.ok(points.some(([ts, value]) => ts === start + 3217 * 1000 && value === 1000), 'the spike survives');
    const sorted = [...points].sort((a, b) => a[0] - b[0]);
    assert.deepEqual(points, sorted);
    const full = await history(h, d.org.apiKey, d.deviceId, `from=${start}&to=${start + 5_000_000}&maxPoints=10000`);
    assert.equal(full.downsampled, false);
    assert.equal(full.data.v!.length, 5000);
  });

  it('refuses bad query parameters with 400', async () => {
    const d = await deviceWithToken(h);
    const get = (query: string) => h.request({ method: 'GET', url: `/api/v1/devices/${d.deviceId}/telemetry?${query}`, headers: { 'x-api-key': d.org.apiKey } });
    assertError(await get('maxPoints=10001'), 400, 'bad_request', 'maxPoints');
    assertError(await get('from=abc'), 400, 'bad_request', 'from');
    assertError(await get('from=10&to=5'), 400, 'bad_request', 'from');
    assertError(await get('other=1'), 400, 'bad_request');
  });

  it("answers 404 for another organization's device, on every read and token route", async () => {
    const d = await deviceWithToken(h);
    const other = await h.newOrg();
    for (const [method, url] of [
      ['GET', `/api/v1/devices/${d.deviceId}/telemetry`],
      ['GET', `/api/v1/devices/${d.deviceId}/telemetry/latest`],
      ['GET', `/api/v1/devices/${d.deviceId}`],
      ['POST', `/api/v1/devices/${d.deviceId}/token`],
      ['DELETE', `/api/v1/devices/${d.deviceId}/token`],
      ['GET', '/api/v1/devices/not-a-uuid/telemetry/latest'],
    ] as const) {
      assertError(await h.request({ method, url, headers: { 'x-api-key': other.apiKey } }), 404, 'not_found');
    }
  });
});
