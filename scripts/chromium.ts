import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

/** Debian's `chromium` package; CHROMIUM_PATH overrides it. Never a downloaded browser. */
export const CHROMIUM_PATH = process.env['CHROMIUM_PATH'] || '/usr/bin/chromium';

const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export function hasSystemChromium(): boolean {
  return existsSync(CHROMIUM_PATH);
}

/** The system Chromium, headless, on a fresh profile directory that close() removes. */
export async function launchSystemChromium(): Promise<{ context: BrowserContext; close(): Promise<void> }> {
  if (!hasSystemChromium()) throw new Error(`No Chromium at ${CHROMIUM_PATH}: install it with "apt-get install -y chromium", or set CHROMIUM_PATH.`);
  const profile = mkdtempSync(path.join(os.tmpdir(), 'content-broadcaster-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: FLAGS,
    viewport: { width: 1400, height: 1000 },
  });
  return {
    context,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
