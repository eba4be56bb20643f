// The support loop in Chromium: an admin creates a rule on the Rules page, a device's reading opens an alert, the
// Alerts page shows it with its owner and ticket, the ticket page shows the diagnosis and the chart, and the agent
// acknowledges and clears it.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { runTelemap } from '../support/cli.js';
import { scratchDatabase } from '../support/harness.js';
import { startServer, type ServerProcess } from '../support/server-process.js';
import { CHROMIUM_ARGS, CHROMIUM_PATH, chromiumSkipReason } from './chromium.js';

const skip = chromiumSkipReason() ?? false;

describe('alerts and rules in Chromium', { skip }, () => {
  let server: ServerProcess;
  let browser: Browser;
  let page: Page;
  let drop: () => Promise<void>;
  let apiKey: string;
  const adminEmail = 'admin@alerts.example';
  let adminPassword: string;

  const api = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${server.baseUrl}${path}`, {
      method,
      headers: { 'x-api-key': apiKey, ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  before(async () => {
    const scratch = await scratchDatabase('sqlite');
    drop = scratch.drop;
    const org = await runTelemap(['org', 'create', '--name', 'Acme Heating', '--admin-email', adminEmail, '--json'], scratch.url);
    assert.equal(org.code, 0, org.stderr);
    ({ apiKey, adminPassword } = JSON.parse(org.stdout) as { apiKey: string; adminPassword: string });
    server = await startServer({ DATABASE_URL: scratch.url, LOG_LEVEL: 'warn' }, 60_000);
    const assigned = await fetch(`${server.baseUrl}/api/ext-v1/deviceAssignment/assignDeviceToOwners`, {
      method: 'POST',
      headers: { 'x-api-key': apiKey, 'content-type': 'application/json' },
      body: JSON.stringify({ deviceIdentifier: 'TH-0042', customerEmails: ['maria.lopez@example.com'], autoCreateDevice: true, deviceType: 'thermostat' }),
    });
    assert.equal(assigned.status, 200, await assigned.text());
    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
    page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
  });

  after(async () => {
    await browser?.close();
    server?.child.kill('SIGTERM');
    await server?.exited;
    await drop?.();
  });

  it('creates a rule, shows the alert it opens, its ticket and chart, and acknowledges and clears it', async () => {
    await page.goto(server.baseUrl + '/login');
    await page.getByLabel('Email').fill(adminEmail);
    await page.getByLabel('Password').fill(adminPassword);
    await page.getByLabel('Password').press('Enter');
    await page.waitForURL(/\/tickets$/);

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
