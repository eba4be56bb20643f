// Debian's Chromium, driven by playwright-core (never a downloaded browser). Where it is absent, browser tests
// skip and say why; under CI=true its absence is a failure.
import { existsSync } from 'node:fs';

export const CHROMIUM_PATH = process.env.TELEMAP_CHROMIUM_PATH ?? '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** null when Chromium can run here, else why the browser tests are skipped. Throws under CI=true. */
export function chromiumSkipReason(): string | null {
  if (existsSync(CHROMIUM_PATH)) return null;
  const reason = `Chromium not found at ${CHROMIUM_PATH} (install it: apt-get install -y chromium)`;
  if (process.env.CI === 'true') throw new Error(`${reason}; CI=true requires the browser tests to run`);
  console.warn(`\n*** ${reason}: browser tests are SKIPPED ***\n`);
  return reason;
}
