// The dashboard as the browser tests drive it: a real server process on a scratch SQLite database, one organization
// made through the CLI, and Debian's Chromium with one page. Called inside a describe, it starts all of it before
// that describe's tests and stops it after them.
import assert from 'node:assert/strict';
import { after, before } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { connectDatabase, type Database } from '../../src/db/connect.js';
import type { DatabaseTarget } from '../../src/config.js';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../browser/chromium.js';
import { runTelemap } from './cli.js';
import { scratchDatabase } from './harness.js';
import { startServer, type ServerProcess } from './server-process.js';

export interface ChromiumDashboardOptions {
  /** The organization `telemap org create` makes, and the e-mail of its first admin. */
  organization: string;
  adminEmail: string;
  viewport: { width: number; height: number };
  /** The server's environment besides DATABASE_URL. */
  env?: Record<string, string>;
}

export interface ChromiumDashboard {
  readonly server: ServerProcess;
  readonly browser: Browser;
  readonly page: Page;
  /** The server's database, connected on first use: for rows no API writes, and for what the page cannot do. */
  readonly database: Database;
  readonly organizationId: string;
  readonly apiKey: string;
  readonly adminEmail: string;
  readonly adminPassword: string;
  /** Signs the admin in on the page with the keyboard, and waits for the ticket list. */
  signIn(): Promise<void>;
}

interface Started {
  server: ServerProcess;
  browser: Browser;
  page: Page;
  target: DatabaseTarget;
  organizationId: string;
  apiKey: string;
  adminPassword: string;
}

export function chromiumDashboard(options: ChromiumDashboardOptions): ChromiumDashboard {
  let current: Partial<Started> = {};
  let database: Database | undefined;
  let drop: (() => Promise<void>) | undefined;

  before(async () => {
    const scratch = await scratchDatabase('sqlite');
    drop = scratch.drop;
    const org = await runTelemap(['org', 'create', '--name', options.organization, '--admin-email', options.adminEmail, '--json'], scratch.url);
    assert.equal(org.code, 0, org.stderr);
    const { organizationId, apiKey, adminPassword } = JSON.parse(org.stdout) as { organizationId: string; apiKey: string; adminPassword: string };
    current = { target: scratch.target, organizationId, apiKey, adminPassword };
    current.server = await startServer({ DATABASE_URL: scratch.url, ...options.env }, 60_000);
    current.browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
    current.page = await (await current.browser.newContext({ viewport: options.viewport })).newPage();
  });

  after(async () => {
    await current.browser?.close();
    current.server?.child.kill('SIGTERM');
    await current.server?.exited;
    await database?.close();
    await drop?.();
  });

  const started = <K extends keyof Started>(key: K): Started[K] => {
    const value = current[key];
    if (value === undefined) throw new Error(`the dashboard's ${key} used before its before() hook ran`);
    return value as Started[K];
  };
  const dashboard: ChromiumDashboard = {
    get server() {
      return started('server');
    },
    get browser() {
      return started('browser');
    },
    get page() {
      return started('page');
    },
    get database() {
      database ??= connectDatabase(started('target'));
      return database;
    },
    get organizationId() {
      return started('organizationId');
    },
    get apiKey() {
      return started('apiKey');
    },
    adminEmail: options.adminEmail,
    get adminPassword() {
      return started('adminPassword');
    },
    async signIn() {
      const { page, server } = dashboard;
      await page.goto(server.baseUrl + '/login');
      await page.getByLabel('Email').fill(options.adminEmail);
      await page.getByLabel('Password').fill(dashboard.adminPassword);
      await page.getByLabel('Password').press('Enter');
      await page.waitForURL(/\/tickets$/);
    },
  };
  return dashboard;
}
