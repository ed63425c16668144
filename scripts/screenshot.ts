/**
 * `npm run screenshot [-- REPORT_HTML] [--out FILE]`: a screenshot of report.html in headless Chromium
 * (the system's, see scripts/chromium.ts), for the README. Without a report it makes one with
 * `draft --offline` first. Writes docs/report-screenshot.png by default.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { launchSystemChromium } from './chromium.ts';

const root = path.resolve(import.meta.dirname, '..');
const { values, positionals } = parseArgs({ allowPositionals: true, options: { out: { type: 'string' } } });
const out = path.resolve(values.out ?? path.join(root, 'docs', 'report-screenshot.png'));
let report = positionals[0];
if (!report) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'content-broadcaster-report-'));
  execFileSync(
    process.execPath,
    [path.join(root, 'src/cli/draft.ts'), '--offline', '--topic', 'Remote onboarding for small teams', '--keyphrase', 'remote onboarding', '--channels', 'linkedin,x_thread,newsletter,slack', '--out', dir],
    { stdio: ['ignore', 'ignore', 'inherit'] },
  );
  report = path.join(dir, 'report.html');
}
const browser = await launchSystemChromium();
try {
  const page = await browser.context.newPage();
  await page.goto(pathToFileURL(path.resolve(report)).href);
  await page.screenshot({ path: out, fullPage: true });
  console.log(`Wrote ${out}`);
} finally {
  await browser.close();
}
