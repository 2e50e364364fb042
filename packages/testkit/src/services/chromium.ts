/**
 * @module services/chromium
 * Debian's Chromium for browser tests, driven through playwright-core (npm packages' own browser downloads cannot
 * reach their hosts here). Installed with apt-get when the machine has none.
 */
import { chromium, type Browser } from 'playwright-core';
import { ensureProgram } from './debian-package.ts';

/** Flags for a headless Chromium in a container: no sandbox (root), no GPU, no network chatter of its own. */
export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
] as const;

/** Launches headless Chromium (installing Debian's `chromium` package first when missing). */
export async function launchChromium(): Promise<Browser> {
  const executablePath = await ensureProgram('chromium', 'chromium');
  return chromium.launch({ executablePath, headless: true, args: [...CHROMIUM_FLAGS] });
}
