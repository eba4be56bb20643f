// The API reference at /docs in a real browser, under the dashboard's Content-Security-Policy (docs/security.md):
// Swagger UI must still render every surface's operations, with no policy violation, and the page cannot be framed.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { chromium, type Browser } from 'playwright-core';
import { scratchDatabase } from '../support/harness.js';
import { startServer, type ServerProcess } from '../support/server-process.js';
import { CHROMIUM_ARGS, CHROMIUM_PATH, chromiumSkipReason } from './chromium.js';

const skip = chromiumSkipReason() ?? false;

describe('API reference in Chromium', { skip }, () => {
  let server: ServerProcess;
  let browser: Browser;
  let drop: () => Promise<void>;

  before(async () => {
    const scratch = await scratchDatabase('sqlite');
    drop = scratch.drop;
    server = await startServer({ DATABASE_URL: scratch.url }, 60_000);
    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  });

  after(async () => {
    await browser?.close();
    server?.child.kill('SIGTERM');
    await server?.exited;
    await drop?.();
  });

  it('renders the operations of every surface without a Content-Security-Policy violation', async () => {
    const page = await browser.newPage();
    const violations: string[] = [];
    page.on('console', (message) => {
      if (/Content Security Policy|Refused to/i.test(message.text())) violations.push(message.text());
    });
    await page.goto(`${server.baseUrl}/docs`);
    await page.locator('.swagger-ui .info .title', { hasText: 'Telemap' }).waitFor();
    for (const path of ['/api/ext-v1/customer/createOrUpdateCustomer', '/api/v1/customers', '/v2/integrations/token']) {
      await page.locator('.opblock-summary-path', { hasText: path }).first().waitFor();
    }
    // Opening an operation runs Swagger UI's own scripts and styles further.
    await page.locator('.opblock-summary-path', { hasText: '/api/v1/customers' }).first().click();
    await page.locator('.opblock-body').first().waitFor();
    assert.deepEqual(violations, []);
    await page.close();
  });

  it('cannot be framed by another page', async () => {
    const page = await browser.newPage();
    const blocked: string[] = [];
    page.on('console', (message) => blocked.push(message.text()));
    await page.setContent(`<iframe id="f" src="${server.baseUrl}/docs"></iframe>`);
    // A string, not a function: tsx would add helpers to a function that the page does not have.
    await page.waitForEvent('console', { predicate: (message) => /frame-ancestors|X-Frame-Options/i.test(message.text()), timeout: 20_000 }).catch(() => undefined);
    const framed = page.frames().find((frame) => frame.url().startsWith(`${server.baseUrl}/docs`));
    const rendered = framed ? await framed.evaluate('Boolean(document.querySelector(".swagger-ui"))').catch(() => false) : false;
    assert.equal(rendered, false);
    assert.ok(blocked.some((text) => /frame-ancestors|X-Frame-Options/i.test(text)), blocked.join('\n'));
    await page.close();
  });
});
