// The Webhooks page in Chromium: an admin adds an endpoint, copies the secret shown once, sends a test event, sees
// the delivery with its status and response code, disables, enables and deletes the endpoint (support loop §8).
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { Webhook } from 'standardwebhooks';
import { chromiumDashboard } from '../support/chromium-dashboard.js';
import { until } from '../support/until.js';
import { receiverForSuite } from '../support/webhook-receiver.js';
import { chromiumSkipReason } from './chromium.js';

const skip = chromiumSkipReason() ?? false;

describe('Webhooks page in Chromium', { skip }, () => {
  const receiver = receiverForSuite();
  const dashboard = chromiumDashboard({
    organization: 'Hooks Inc',
    adminEmail: 'admin@hooks.example',
    viewport: { width: 1280, height: 800 },
    env: { TELEMAP_WEBHOOK_ALLOW_PRIVATE: 'true', LOG_LEVEL: 'warn' },
  });
  let secret: string;

  before(() => dashboard.signIn());

  it('adds an endpoint from the nav and shows its secret once', async () => {
    const { page, server } = dashboard;
    await page.getByRole('link', { name: 'Webhooks' }).click();
    await page.getByRole('heading', { name: 'Webhooks', level: 1 }).waitFor();
    await page.getByLabel('URL').fill(`${receiver.url}/browser`);
    await page.getByLabel('Description (optional)').fill('Browser test');
    await page.getByRole('button', { name: 'Add endpoint' }).click();
    await page.getByRole('heading', { name: /Signing secret/ }).waitFor();
    secret = await page.getByLabel('Signing secret', { exact: true }).inputValue();
    assert.match(secret, /^whsec_[A-Za-z0-9+/]+=*$/);
    await page.goto(server.baseUrl + '/webhooks');
    assert.equal(await page.locator('#new-secret').count(), 0);
    assert.ok(!(await page.content()).includes(secret));
    await page.getByRole('link', { name: `${receiver.url}/browser` }).waitFor();
  });

  it('sends a test event and lists the delivery with its status and response code', async () => {
    const { page } = dashboard;
    await page.getByRole('link', { name: `${receiver.url}/browser` }).click();
    await page.getByRole('button', { name: /Send test event/ }).click();
    await page.getByText('A test event was queued').waitFor();
    await until(() => receiver.received.length === 1, 'test event not received', 10_000);
    const [request] = receiver.received;
    const verified = new Webhook(secret).verify(request!.body, request!.headers as Record<string, string>) as { type: string };
    assert.equal(verified.type, 'webhook.test');
    await until(
      async () => {
        await page.reload();
        return (await page.locator('#deliveries tbody tr').first().textContent())?.includes('delivered') ?? false;
      },
      'delivery not shown as delivered',
      10_000,
    );
    const row = (await page.locator('#deliveries tbody tr').first().textContent()) ?? '';
    assert.match(row, /webhook\.test/);
    assert.match(row, /200/);
  });

  it('disables, enables and deletes the endpoint', async () => {
    const { page } = dashboard;
    await page.getByRole('button', { name: /^Disable/ }).click();
    await page.getByText('The endpoint is disabled').waitFor();
    await page.getByRole('button', { name: /^Enable/ }).click();
    await page.getByText('The endpoint is enabled').waitFor();
    await page.getByRole('button', { name: /^Delete/ }).click();
    await page.getByText('The endpoint was deleted').waitFor();
    await page.getByText('No webhook endpoints yet').waitFor();
  });
});
