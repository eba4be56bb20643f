// The dashboard in a real browser: a real server process on a scratch SQLite database, seeded through the CLI
// and ext-v1 over HTTP, driven by Debian's Chromium. Also takes the README's screenshots.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { newId } from '../../src/domain/ids.js';
import { chromiumDashboard } from '../support/chromium-dashboard.js';
import { chromiumSkipReason } from './chromium.js';

// The README's screenshots are refreshed on request (TELEMAP_UPDATE_SCREENSHOTS=1 npm test -- test/browser); an
// ordinary run writes them to test-results/, so that running the tests leaves the working tree clean.
const SCREENSHOTS = fileURLToPath(
  new URL(process.env.TELEMAP_UPDATE_SCREENSHOTS === '1' ? '../../docs/screenshots/' : '../../test-results/', import.meta.url),
);
const NARROW_SCREENSHOTS = fileURLToPath(new URL('../../test-results/', import.meta.url));
const skip = chromiumSkipReason() ?? false;

describe('dashboard in Chromium', { skip }, () => {
  const dashboard = chromiumDashboard({ organization: 'Acme Heating', adminEmail: 'admin@acme.example', viewport: { width: 1280, height: 800 } });
  const ids: Record<string, string> = {};

  async function ext(path: string, key: string, body: unknown) {
    const res = await fetch(`${dashboard.server.baseUrl}/api/ext-v1${path}`, {
      method: 'POST',
      headers: { 'x-api-key': key, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  }

  /** Devices, assignment history and tickets straight into the database (ext-v1 has no history back-dating). */
  async function seedWorld(): Promise<void> {
    const { apiKey, organizationId } = dashboard;
    const customers: Array<[string, string]> = [
      ['maria.lopez@example.com', 'María López'],
      ['sam.okafor@example.com', 'Sam Okafor'],
      ['lee.chen@example.com', 'Lee Chen'],
    ];
    for (const [email, name] of customers) {
      const created = await ext('/customer/createOrUpdateCustomer', apiKey, { email, name, phone: '+1 555 0100' });
      assert.equal(created.status, 200);
      ids[email] = created.body.telemetronCustomerId as string;
    }
    const { db } = dashboard.database;
    const device = async (identifier: string, type: string, metadata: object, createdAt: string) => {
      const id = newId();
      await db.insertInto('devices').values({ id, organization_id: organizationId, identifier, type, metadata: JSON.stringify(metadata), created_at: createdAt, updated_at: createdAt }).execute();
      return id;
    };
    ids.heatPump = await device('HP-2041-77X', 'heat-pump', { firmware: '4.2.1', site: 'Basement' }, '2026-09-01T08:00:00.000Z');
    ids.thermostat = await device('TS-1188-03A', 'thermostat', { firmware: '1.9.0' }, '2026-09-02T08:00:00.000Z');
    // Each customer owns at most one seeded link, so its position is 1.
    const assign = (deviceId: string, customerId: string, from: string, to: string | null) =>
      db.insertInto('assignments').values({ id: newId(), organization_id: organizationId, device_id: deviceId, customer_id: customerId, assigned_at: from, unassigned_at: to, position: 1 }).execute();
    await assign(ids.heatPump, ids['sam.okafor@example.com']!, '2026-09-01T09:00:00.000Z', '2026-10-15T12:00:00.000Z');
    await assign(ids.heatPump, ids['maria.lopez@example.com']!, '2026-10-15T12:00:00.000Z', null);
    await assign(ids.thermostat, ids['lee.chen@example.com']!, '2026-09-03T09:00:00.000Z', null);
    const ticket = async (title: string, customer: string, priority: string, status: string, createdAt: string, deviceId: string | null, message: string) => {
      const id = newId();
      await db.insertInto('tickets').values({ id, organization_id: organizationId, customer_id: ids[customer]!, device_id: deviceId, category_id: null, title, description: message, priority, status, channel: 'api', created_at: createdAt, updated_at: createdAt }).execute();
      await db.insertInto('ticket_messages').values({ id: newId(), organization_id: organizationId, ticket_id: id, position: 0, role: 'customer', content: message, created_at: createdAt }).execute();
      return id;
    };
    ids.ticket = await ticket('Heat pump shows error E4 after the update', 'maria.lopez@example.com', 'urgent', 'open', '2026-11-20T09:12:00.000Z', ids.heatPump, 'Since the update last night the display shows E4 and the house is cold.');
    await ticket('Thermostat loses Wi-Fi every evening', 'lee.chen@example.com', 'high', 'in_progress', '2026-11-19T17:40:00.000Z', ids.thermostat, 'It drops off the network around 7 pm.');
    await ticket('How do I add a second owner?', 'sam.okafor@example.com', 'low', 'waiting_for_customer', '2026-11-18T10:05:00.000Z', null, 'My partner should see the device too.');
    await ticket('Invoice address change', 'sam.okafor@example.com', 'medium', 'resolved', '2026-11-15T14:30:00.000Z', null, 'Please update the address on my invoices.');
  }

  before(seedWorld);

  it('signs in from / with the keyboard', async () => {
    const { page, server, adminEmail, adminPassword } = dashboard;
    await page.goto(server.baseUrl + '/');
    assert.match(page.url(), /\/login$/);
    await page.getByLabel('Email').fill(adminEmail);
    await page.getByLabel('Password').fill(adminPassword);
    await page.getByLabel('Password').press('Enter');
    await page.waitForURL(/\/tickets$/);
    await page.getByRole('heading', { name: 'Tickets' }).waitFor();
    // The first Tab lands on the skip link, with a visible focus outline; Enter moves focus to the content.
    await page.keyboard.press('Tab');
    const focused = await page.evaluate(() => {
      const el = document.activeElement as HTMLElement;
      return { text: el.textContent, outline: getComputedStyle(el).outlineStyle };
    });
    assert.equal(focused.text, 'Skip to content');
    assert.notEqual(focused.outline, 'none');
  });

  it('shows the inbox, newest first, filtered by status and priority', async () => {
    const { page, server } = dashboard;
    const titles = await page.locator('tbody tr td:first-child a').allTextContents();
    assert.deepEqual(titles, [
      'Heat pump shows error E4 after the update',
      'Thermostat loses Wi-Fi every evening',
      'How do I add a second owner?',
      'Invoice address change',
    ]);
    await page.goto(server.baseUrl + '/tickets'); // a fresh page: no focus ring from the keyboard test
    await page.screenshot({ path: `${SCREENSHOTS}inbox.png` });
    await page.getByLabel('Priority').selectOption('urgent');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.waitForURL(/priority=urgent/);
    assert.deepEqual(await page.locator('tbody tr td:first-child a').allTextContents(), ['Heat pump shows error E4 after the update']);
  });

  it('creates an API key shown once, with a working copy button, then revokes it (ext-v1 answers 401)', async () => {
    const { page, server } = dashboard;
    await page.getByRole('link', { name: 'Integrations' }).click();
    await page.getByRole('heading', { name: 'Integrations' }).waitFor();
    assert.match(await page.locator('#curl-example').textContent() ?? '', new RegExp(`${server.baseUrl}/api/ext-v1/customer/createOrUpdateCustomer`));
    await page.getByLabel('Key name').fill('Browser test key');
    await page.getByRole('button', { name: 'Create key' }).click();
    const keyInput = page.locator('#new-key');
    await keyInput.waitFor();
    const newKey = await keyInput.inputValue();
    assert.match(newKey, /^tlm_/);
    const copy = page.getByRole('button', { name: 'Copy' });
    await copy.click();
    await page.locator('#copy-status').filter({ hasText: /cop/i }).waitFor();
    assert.equal((await ext('/customer/queryCustomer', newKey, { email: 'maria.lopez@example.com' })).status, 200);

    await page.goto(server.baseUrl + '/integrations');
    const content = await page.content();
    assert.ok(!content.includes(newKey), 'the key is shown only once');
    assert.ok(content.includes(newKey.slice(0, 12)), 'its prefix is listed');
    await page.screenshot({ path: `${SCREENSHOTS}integrations.png`, fullPage: true });

    // Revoking asks first (a confirm dialog): dismissing it keeps the key, accepting revokes it.
    page.once('dialog', (dialog) => void dialog.dismiss());
    await page.getByRole('button', { name: 'Revoke Browser test key' }).click();
    assert.equal((await ext('/customer/queryCustomer', newKey, { email: 'maria.lopez@example.com' })).status, 200, 'dismissed: still valid');
    page.once('dialog', (dialog) => void dialog.accept());
    await page.getByRole('button', { name: 'Revoke Browser test key' }).click();
    await page.getByText('The key was revoked').waitFor();
    const refused = await ext('/customer/queryCustomer', newKey, { email: 'maria.lopez@example.com' });
    assert.equal(refused.status, 401);
    assert.equal(refused.body.error, 'Invalid or missing API key');
  });

  it('finds a customer created through ext-v1', async () => {
    const { page, apiKey } = dashboard;
    const created = await ext('/customer/createOrUpdateCustomer', apiKey, { email: 'new.person@example.org', name: 'Nova Person' });
    assert.equal(created.status, 200);
    await page.getByRole('link', { name: 'Customers' }).click();
    await page.getByLabel('Search by email, name, phone or address').fill('new.person');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByRole('link', { name: 'Nova Person' }).click();
    await page.getByRole('heading', { name: 'Nova Person' }).waitFor();
    await page.getByText('new.person@example.org').waitFor();
  });

  it('opens a device and sees who owned it, from when to when', async () => {
    const { page } = dashboard;
    await page.getByRole('link', { name: 'Devices' }).click();
    await page.getByLabel('Search by identifier, type or metadata').fill('heat-pump');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByRole('link', { name: 'HP-2041-77X' }).click();
    await page.getByRole('heading', { name: 'Assignment history' }).waitFor();
    const rows = await page.locator('table[aria-labelledby="history-h"] tbody tr').allInnerTexts();
    assert.equal(rows.length, 2);
    assert.match(rows[0]!, /María López[\s\S]*2026-10-15 12:00 UTC[\s\S]*current owner/);
    assert.match(rows[1]!, /Sam Okafor[\s\S]*2026-09-01 09:00 UTC[\s\S]*2026-10-15 12:00 UTC/);
    await page.getByText('"firmware": "4.2.1"').waitFor();
  });

  it('opens a ticket created through ext-v1, replies to it and changes its status', async () => {
    const { page, apiKey } = dashboard;
    const created = await ext('/ticket/createTicket', apiKey, {
      title: 'Display flickers after power cut',
      customerEmail: 'maria.lopez@example.com',
      priority: 'high',
      deviceIdentifier: 'HP-2041-77X',
      messages: [{ role: 'customer', content: 'The display flickers since the power cut this morning.' }],
    });
    assert.equal(created.status, 200, JSON.stringify(created.body));
    await page.getByRole('link', { name: 'Tickets' }).click();
    await page.getByRole('link', { name: 'Display flickers after power cut' }).click();
    await page.locator('.message.role-customer', { hasText: 'The display flickers since the power cut this morning.' }).waitFor();
    await page.getByRole('link', { name: 'HP-2041-77X' }).waitFor();
    await page.getByLabel(/^Your message/).fill('A technician will call you today.');
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    await page.getByText('Your reply was added').waitFor();
    await page.locator('.message.role-agent', { hasText: 'A technician will call you today.' }).waitFor();
    await page.getByLabel('Status', { exact: true }).selectOption('in_progress');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByText('The ticket was updated').waitFor();
    assert.equal(await page.locator('.lead .badge').first().textContent(), 'in progress');
    assert.match(page.url(), new RegExp(`/tickets/${created.body.ticketId as string}`));
  });

  it('is readable at 390 px wide: nothing overflows the page sideways', async () => {
    const { page, server } = dashboard;
    await page.setViewportSize({ width: 390, height: 844 });
    for (const path of ['/tickets', `/tickets/${ids.ticket}`, '/integrations', `/devices/${ids.heatPump}`]) {
      await page.goto(server.baseUrl + path);
      const overflow = await page.evaluate(() => {
        const width = document.documentElement.clientWidth;
        const wide = Array.from(document.querySelectorAll('body *'))
          .filter((el) => el.getBoundingClientRect().right > width + 1 && !el.closest('.table-wrap, pre, .visually-hidden, .skip-link'))
          .map((el) => `${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}.${Array.from(el.classList).join('.')}`);
        return { by: document.documentElement.scrollWidth - width, wide };
      });
      assert.ok(overflow.by <= 0, `${path} overflows by ${overflow.by}px at 390px: ${overflow.wide.join(', ')}`);
      // For people to look at (test-results/ is not committed).
      await page.screenshot({ path: `${NARROW_SCREENSHOTS}${path.split('/')[1]}${path.split('/').length > 2 ? '-detail' : ''}-390.png`, fullPage: true });
    }
  });
});
