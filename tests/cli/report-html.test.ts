import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { launchSystemChromium } from '../../scripts/chromium.ts';
import { startFakeFirecrawl, type FakeFirecrawl } from '../support/fake-firecrawl.ts';
import { startFakeOpenAI, type FakeOpenAI } from '../support/fake-openai.ts';
import { GOOD_DRAFT, scriptAuthor, seedCompetitors } from '../support/scripted-author.ts';
import { FIRECRAWL_KEY, OPENAI_KEY } from '../support/test-app.ts';
import { runCli } from '../support/cli.ts';

let openai: FakeOpenAI;
let firecrawl: FakeFirecrawl;

beforeAll(async () => {
  [openai, firecrawl] = await Promise.all([startFakeOpenAI(), startFakeFirecrawl({ apiKey: FIRECRAWL_KEY })]);
  seedCompetitors(firecrawl);
});
afterAll(async () => {
  await Promise.all([openai?.close(), firecrawl?.close()]);
});

test('report.html shows the article with its claims marked, the unsupported one highlighted, and the variants, with no external request', async () => {
  // A post that meets both thresholds at once but states a figure no source backs.
  const withUnsupportedFigure = { ...GOOD_DRAFT, markdown: `${GOOD_DRAFT.markdown}\n\nMost teams cut ramp-up time by 40% with a buddy.` };
  scriptAuthor(openai, { drafts: [withUnsupportedFigure] });
  const out = mkdtempSync(path.join(os.tmpdir(), 'cb-report-'));
  const run = await runCli('draft', ['--topic', 'Remote onboarding for small teams', '--keyphrase', 'remote onboarding', '--out', out], {
    OPENAI_API_KEY: OPENAI_KEY,
    OPENAI_BASE_URL: openai.url,
    FIRECRAWL_API_KEY: FIRECRAWL_KEY,
    FIRECRAWL_API_URL: firecrawl.url,
  });
  expect(run.code, run.stderr).toBe(0);

  const browser = await launchSystemChromium();
  try {
    const page = await browser.context.newPage();
    const requested: string[] = [];
    await browser.context.route('**/*', async (route) => {
      const url = route.request().url();
      requested.push(url);
      if (url.startsWith('file:')) await route.continue();
      else await route.abort();
    });
    const reportUrl = pathToFileURL(path.join(out, 'report.html')).href;
    await page.goto(reportUrl);

    const headings = await page.locator('#article article h2').allTextContents();
    expect(headings).toContain('Why remote onboarding needs a plan');
    expect(headings).toContain('Sources');
    const unsupported = page.locator('#article article mark.claim.unsupported');
    expect(await unsupported.allTextContents()).toEqual(['40%']);
    expect(await unsupported.getAttribute('title')).toContain('no source is cited');
    expect(await page.evaluate("getComputedStyle(document.querySelector('#article article mark.claim.unsupported')).backgroundColor")).toBe('rgb(255, 214, 214)');
    expect(await page.locator('#article article mark.claim.supported').allTextContents()).toEqual(['82%']);
    expect(await page.locator('#claims').textContent()).toContain('1 unsupported');

    const cards = page.locator('#variants .card');
    expect(await cards.evaluateAll((elements) => elements.map((element) => element.getAttribute('data-channel')))).toEqual(['linkedin', 'x_thread', 'newsletter']);
    expect(await cards.first().textContent()).toContain('within limits');
    expect(await cards.first().textContent()).toContain('/ 3,000');
    expect(await page.locator('#scores').textContent()).toContain('SEO');
    expect(await page.locator('#sources li').count()).toBe(2);
    expect(await page.locator('#notice').count()).toBe(0);

    expect(requested).toEqual([reportUrl]);
  } finally {
    await browser.close();
  }
}, 120_000);
