import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';

/** Debian's chromium (`.ci/run` installs it); playwright never downloads a browser here. */
export const CHROMIUM = process.env['LOGSIFT_CHROMIUM'] ?? '/usr/bin/chromium';

/**
 * Whether the browser tests can run. Under CI a missing browser is a failure, not a skip;
 * locally the tests skip with this message.
 */
export function browserAvailable(): boolean {
  if (existsSync(CHROMIUM)) return true;
  if (process.env['CI'] === 'true') throw new Error(`the browser tests need Chromium at ${CHROMIUM} (apt-get install -y chromium); CI must not skip them`);
  console.warn(`browser tests skipped: no Chromium at ${CHROMIUM} (apt-get install -y chromium)`);
  return false;
}

/** Where screenshots go (git-ignored): the artifacts of a test run. */
export const artifacts = join(import.meta.dirname, '..', '..', 'test-artifacts');

/**
 * Headless Chromium (playwright gives it a fresh temporary profile) with no background
 * networking: without these flags it tries to reach Google and stalls on a closed network.
 */
export async function launch(): Promise<Browser> {
  mkdirSync(artifacts, { recursive: true });
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-dev-shm-usage',
    ],
  });
}
