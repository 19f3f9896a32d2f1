import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

// Debian's chromium (./ops test installs it when missing); CHROMIUM_PATH overrides.
const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Headless Chromium for the page tests; a clear error when it is missing. */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(executablePath))
    throw new Error(
      `Chromium not found at ${executablePath}: run ./ops test (installs Debian's chromium) or set CHROMIUM_PATH`,
    );
  return chromium.launch({
    executablePath,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}
