// The help desk in Chromium: an internal note set apart from replies, a reply draft that survives an expired
// session and comes back after signing in, the Users page (invite link, set a password, disable after a confirm),
// and regenerating a key behind a confirm dialog, with a day of grace by default and no second key on reload.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { chromiumDashboard } from '../support/chromium-dashboard.js';
import { chromiumSkipReason } from './chromium.js';

const skip = chromiumSkipReason() ?? false;

describe('help desk in Chromium', { skip }, () => {
  const dashboard = chromiumDashboard({ organization: 'Desk Co', adminEmail: 'lead@desk.example', viewport: { width: 1280, height: 900 } });
  const { adminEmail } = dashboard;
  let ticketId: string;

  async function signInAs(target: Page, email: string, password: string) {
    await target.getByLabel('Email').fill(email);
    await target.getByLabel('Password').fill(password);
    await target.getByRole('button', { name: 'Sign in' }).click();
  }

  before(async () => {
    const res = await fetch(`${dashboard.server.baseUrl}/api/ext-v1/ticket/createTicket`, {
      method: 'POST',
      headers: { 'x-api-key': dashboard.apiKey, 'content-type': 'application/json' },
      body: JSON.stringify({ title: 'Boiler pressure low', customerEmail: 'pat@home.example', messages: [{ role: 'customer', content: 'The gauge reads 0.5 bar.' }] }),
    });
    assert.equal(res.status, 200);
    ticketId = ((await res.json()) as { ticketId: string }).ticketId;
    await dashboard.signIn();
  });

  it('sets an internal note apart from a public reply, and names who wrote each', async () => {
    const { page, server } = dashboard;
    await page.goto(`${server.baseUrl}/tickets/${ticketId}`);
    await page.getByLabel(/Internal note/).check();
    await page.getByLabel(/^Your message/).fill('Customer has the older model; check the warranty.');
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    await page.getByText('Your internal note was added').waitFor();
    await page.getByLabel(/^Your message/).fill('Please top the pressure up to 1.5 bar.');
    await page.getByLabel('Then set the status').selectOption('waiting_for_customer');
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    await page.getByText('Your reply was added').waitFor();
    const note = page.locator('.message.kind-note');
    const reply = page.locator('.message.kind-message.role-agent');
    const style = (el: Element) => ({ border: getComputedStyle(el).borderTopStyle, background: getComputedStyle(el).backgroundColor, label: getComputedStyle(el.querySelector('.meta')!, '::before').content });
    const [noteStyle, replyStyle] = [await note.evaluate(style), await reply.evaluate(style)];
    assert.equal(noteStyle.border, 'dashed');
    assert.notEqual(noteStyle.background, replyStyle.background);
    assert.match(noteStyle.label, /Internal note/);
    assert.match((await reply.locator('.meta').textContent()) ?? '', new RegExp(adminEmail));
    await page.getByText(`${adminEmail} changed the status from open to waiting for customer`).waitFor();
  });

  it('keeps the reply draft when the session expired while typing, and returns to the ticket after sign-in', async () => {
    const { page, server, database, adminPassword } = dashboard;
    await page.goto(`${server.baseUrl}/tickets/${ticketId}`);
    const draft = 'A long answer typed over lunch, while the session ran out.';
    await page.getByLabel(/^Your message/).fill(draft);
    // The session ends on the server (as when it expires) while the page is open.
    await database.db.deleteFrom('sessions').execute();
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    await page.waitForURL(/\/login\?next=/);
    await page.getByText('Your session expired').waitFor();
    await signInAs(page, adminEmail, adminPassword);
    await page.waitForURL(new RegExp(`/tickets/${ticketId}$`));
    assert.equal(await page.getByLabel(/^Your message/).inputValue(), draft);
    await page.getByText('Your unsent draft was restored').waitFor();
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    await page.getByText('Your reply was added').waitFor();
    assert.equal(await page.getByLabel(/^Your message/).inputValue(), '');
    assert.equal(await page.evaluate((id) => window.localStorage.getItem(`telemap-draft:${id}`), ticketId), null);
  });

  it('invites a user whose link sets a password once, and disables them after a confirm', async () => {
    const { page, server, browser } = dashboard;
    await page.goto(`${server.baseUrl}/users`);
    await page.getByLabel('E-mail', { exact: true }).fill('new.agent@desk.example');
    await page.getByRole('button', { name: 'Invite' }).click();
    const link = await page.locator('#invite-link').inputValue();
    assert.match(link, /\/password\/set\?token=/);
    const other = await (await browser.newContext()).newPage();
    await other.goto(link);
    await other.getByLabel(/^New password/).fill('agent password 123');
    await other.getByLabel('The same again').fill('agent password 123');
    await other.getByRole('button', { name: 'Set password' }).click();
    await other.getByText('Your password is set').waitFor();
    await signInAs(other, 'new.agent@desk.example', 'agent password 123');
    await other.waitForURL(/\/tickets$/);
    await other.goto(`${server.baseUrl}/users`);
    await other.getByRole('heading', { name: 'Admins only' }).waitFor();
    await other.goto(link);
    await other.getByRole('heading', { name: 'This link no longer works' }).waitFor();

    await page.goto(`${server.baseUrl}/users`);
    page.once('dialog', (dialog) => void dialog.dismiss());
    await page.getByRole('button', { name: 'Disable new.agent@desk.example' }).click();
    await page.getByRole('button', { name: 'Disable new.agent@desk.example' }).waitFor();
    page.once('dialog', (dialog) => {
      assert.match(dialog.message(), /Disable new\.agent@desk\.example\?/);
      void dialog.accept();
    });
    await page.getByRole('button', { name: 'Disable new.agent@desk.example' }).click();
    await page.getByText('The user was updated').waitFor();
    await page.getByRole('button', { name: 'Enable new.agent@desk.example' }).waitFor();
    await other.goto(`${server.baseUrl}/tickets`);
    await other.waitForURL(/\/login/);
  });

  it('regenerates a key only after a confirm, with a day of grace by default, and a reload makes no second key', async () => {
    const { page, server, database, organizationId } = dashboard;
    const keys = () => database.db.selectFrom('api_keys').select('id').where('organization_id', '=', organizationId).execute();
    await page.goto(`${server.baseUrl}/integrations`);
    assert.equal(await page.getByLabel('Grace period for default').inputValue(), '86400');
    const before = (await keys()).length;
    page.once('dialog', (dialog) => void dialog.dismiss());
    await page.getByRole('button', { name: 'Regenerate default' }).click();
    assert.equal((await keys()).length, before, 'dismissed: nothing happened');
    page.once('dialog', (dialog) => void dialog.accept());
    await page.getByRole('button', { name: 'Regenerate default' }).click();
    await page.locator('#new-key').waitFor();
    await page.getByText('keeps working until').waitFor();
    assert.equal((await keys()).length, before + 1);
    await page.reload();
    await page.getByRole('heading', { name: 'API keys' }).waitFor();
    assert.equal(await page.locator('#new-key').count(), 0, 'the key is shown once');
    assert.equal((await keys()).length, before + 1, 'the reload created nothing');
  });
});
