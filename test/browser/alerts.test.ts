// The support loop in Chromium: an admin creates a rule on the Rules page, a device's reading opens an alert, the
// Alerts page shows it with its owner and ticket, the ticket page shows the diagnosis and the chart, and the agent
// acknowledges and clears it.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { chromiumDashboard } from '../support/chromium-dashboard.js';
import { chromiumSkipReason } from './chromium.js';

const skip = chromiumSkipReason() ?? false;

describe('alerts and rules in Chromium', { skip }, () => {
  const dashboard = chromiumDashboard({
    organization: 'Acme Heating',
    adminEmail: 'admin@alerts.example',
    viewport: { width: 1280, height: 900 },
    env: { LOG_LEVEL: 'warn' },
  });

  const api = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${dashboard.server.baseUrl}${path}`, {
      method,
      headers: { 'x-api-key': dashboard.apiKey, ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  before(async () => {
    const assigned = await fetch(`${dashboard.server.baseUrl}/api/ext-v1/deviceAssignment/assignDeviceToOwners`, {
      method: 'POST',
      headers: { 'x-api-key': dashboard.apiKey, 'content-type': 'application/json' },
      body: JSON.stringify({ deviceIdentifier: 'TH-0042', customerEmails: ['maria.lopez@example.com'], autoCreateDevice: true, deviceType: 'thermostat' }),
    });
    assert.equal(assigned.status, 200, await assigned.text());
  });

  it('creates a rule, shows the alert it opens, its ticket and chart, and acknowledges and clears it', async () => {
    const { page } = dashboard;
    await dashboard.signIn();

    await page.getByRole('link', { name: 'Rules' }).click();
    const form = page.getByRole('form', { name: 'New threshold rule' });
    await form.getByLabel('Name').fill('Overheating');
    await form.getByLabel('Device type (empty: every device)').fill('thermostat');
    await form.getByLabel('Severity').selectOption('critical');
    await form.getByLabel('Key').fill('temperature');
    await form.getByLabel('Value (a number; for == and != also text, true or false)').fill('70');
    await form.getByRole('button', { name: 'Create rule' }).click();
    await page.getByText('The rule was created').waitFor();
    await page.getByRole('cell', { name: /temperature > 70/ }).waitFor();

    const now = Date.now();
    for (const [i, value] of [60, 64, 68, 72, 75.5].entries()) {
      assert.equal((await api('POST', '/api/v1/telemetry/batch', { 'TH-0042': { ts: now - 5 * 60_000 + i * 60_000, values: { temperature: value } } })).status, 202);
    }

    await page.getByRole('link', { name: 'Alerts' }).click();
    await page.getByLabel('Status').selectOption('open');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.getByRole('link', { name: 'TH-0042' }).waitFor();
    await page.getByRole('link', { name: /Owner|maria/i }).first().waitFor();
    await page.getByRole('link', { name: 'Ticket', exact: true }).click();
    await page.getByRole('heading', { name: 'Alert: Overheating' }).waitFor();
    await page.getByText('TH-0042: temperature 72 > 70').first().waitFor();
    assert.equal(await page.locator('svg[role="img"] path').count(), 1);
    await page.screenshot({ path: 'test-results/alert-ticket.png', fullPage: true });

    await page.getByRole('link', { name: 'Alerts' }).click();
    await page.getByRole('button', { name: 'Acknowledge' }).click();
    await page.getByText('The alert was acknowledged.').waitFor();
    await page.getByRole('button', { name: 'Clear', exact: true }).click();
    await page.getByText('The alert was cleared.').waitFor();
    const cleared = await api('GET', '/api/v1/alerts?status=cleared');
    assert.equal((cleared.body.data as unknown[]).length, 1);
  });
});
