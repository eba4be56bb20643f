// The device page's telemetry in a real browser: a real server process on a scratch SQLite database, readings
// posted over HTTP with a device token issued from the page, and a uPlot chart (a canvas) drawn for each numeric
// key, with the page's Content-Security-Policy intact (no violation reported) and nothing fetched elsewhere.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { newId } from '../../src/domain/ids.js';
import { chromiumDashboard } from '../support/chromium-dashboard.js';
import { chromiumSkipReason } from './chromium.js';

const skip = chromiumSkipReason() ?? false;

describe('device telemetry in Chromium', { skip }, () => {
  const dashboard = chromiumDashboard({ organization: 'Acme Heating', adminEmail: 'admin@telemetry.example', viewport: { width: 1280, height: 900 } });
  let deviceId: string;
  const problems: string[] = [];

  before(async () => {
    const { page, server } = dashboard;
    deviceId = newId();
    const now = new Date().toISOString();
    await dashboard.database.db
      .insertInto('devices')
      .values({ id: deviceId, organization_id: dashboard.organizationId, identifier: 'HP-2041-77X', type: 'heat-pump', metadata: '{}', created_at: now, updated_at: now })
      .execute();
    // A failed load is reported by its response below, with its URL (the browser's own favicon probe aside).
    page.on('console', (message) => {
      if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) problems.push(message.text());
    });
    page.on('response', (response) => {
      if (response.status() >= 400 && !response.url().endsWith('/favicon.ico')) problems.push(`${response.status()} ${response.url()}`);
    });
    page.on('pageerror', (error) => problems.push(error.message));
    page.on('request', (request) => {
      if (!request.url().startsWith(server.baseUrl)) problems.push(`request outside the server: ${request.url()}`);
    });
  });

  it('issues a token on the page, takes readings with it, and draws a chart per numeric key', async () => {
    const { page, server } = dashboard;
    await dashboard.signIn();

    await page.goto(`${server.baseUrl}/devices/${deviceId}`);
    await page.getByRole('button', { name: 'Issue a token' }).click();
    const token = await page.locator('#device-token').inputValue();
    assert.match(token, /^tlmd_/);

    const start = Date.now() - 3_600_000;
    const readings = Array.from({ length: 120 }, (_, i) => ({
      ts: start + i * 30_000,
      values: { temperature: 20 + Math.sin(i / 10), pressure: 1.2 + i / 1000, mode: i % 2 ? 'eco' : 'boost' },
    }));
    const res = await fetch(`${server.baseUrl}/api/v1/telemetry`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(readings),
    });
    assert.equal(res.status, 202, await res.text());

    await page.goto(`${server.baseUrl}/devices/${deviceId}?range=6h`);
    await page.locator('[data-chart-key="temperature"] canvas').waitFor();
    await page.locator('[data-chart-key="pressure"] canvas').waitFor();
    assert.equal(await page.locator('[data-chart-key] canvas').count(), 2, 'one chart per numeric key, none for strings');
    const size = await page.locator('[data-chart-key="temperature"] canvas').boundingBox();
    assert.ok(size && size.width > 150 && size.height > 100, JSON.stringify(size));
    assert.equal(await page.locator('#latest-readings tbody tr').count(), 3);
    assert.deepEqual(problems, [], 'no script error, CSP violation or outside request');
    await page.screenshot({ path: 'test-results/device-telemetry.png', fullPage: true });
  });
});
