/**
 * Headless Chromium for browser tests: Debian's `chromium` package (`apt-get install -y chromium`),
 * driven by playwright-core. Playwright never downloads a browser here.
 *
 * Contract: where Chromium is missing, a test run under CI fails (launchChromium throws with the
 * fix); a local run without CI skips, saying why (pass browserSkipReason() as the test's `skip`).
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM_PATH = '/usr/bin/chromium';

const missing = (path: string) => `Chromium is not installed at ${path}: run \`apt-get update && apt-get install -y chromium\``;

/** Why browser tests skip on this machine, or undefined when they run (or must fail, under CI). */
export function browserSkipReason(executablePath = CHROMIUM_PATH): string | undefined {
  if (existsSync(executablePath)) return undefined;
  if (process.env.CI) return undefined;
  return `${missing(executablePath)} (skipped because CI is not set; under CI this is a failure)`;
}

/** `extraArgs`: further Chromium switches, e.g. `--host-resolver-rules=…` for test host names. */
export async function launchChromium(executablePath = CHROMIUM_PATH, extraArgs: string[] = []): Promise<Browser> {
  if (!existsSync(executablePath)) throw new Error(missing(executablePath));
  return chromium.launch({
    executablePath,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', ...extraArgs],
  });
}
