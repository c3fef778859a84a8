import { access } from 'node:fs/promises';
import puppeteer, { type Browser } from 'puppeteer-core';

/** Debian's chromium package; `.ci/run` installs it. */
export const CHROMIUM = process.env.CAUSEWAY_CHROMIUM ?? '/usr/bin/chromium';

/** A headless Chromium of this machine driven over the DevTools protocol. */
export async function launchChromium(): Promise<Browser> {
  try {
    await access(CHROMIUM);
  } catch {
    throw new Error(
      `no Chromium at ${CHROMIUM}: install the Debian package (apt-get install chromium) or set CAUSEWAY_CHROMIUM`,
    );
  }
  return puppeteer.launch({
    executablePath: CHROMIUM,
    headless: true,
    // Root in CI has no user namespace sandbox to drop into; the pages are our own, on loopback.
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
  });
}
