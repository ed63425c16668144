import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test } from 'vitest';
import { parse as parseYaml } from 'yaml';
import type { DraftReport } from '../../src/cli/report.ts';
import { loadRecordedTopics } from '../../src/cli/offline/corpus.ts';
import { findCitedIds } from '../../src/orchestrator/citations.ts';
import { checkClaims } from '../../src/orchestrator/claims.ts';
import { analyzeContent } from '../../src/orchestrator/seo/analyze.ts';
import { analysisInput } from '../../src/orchestrator/stages/optimize.ts';
import { DEFAULT_SETTINGS } from '../../src/domain/settings.ts';
import { startFakeOpenAI } from '../support/fake-openai.ts';
import { runCli } from '../support/cli.ts';

const NOTICE = 'Offline demo:';

function tempDir(): string {
  return mkdtempSync(path.join(os.tmpdir(), 'cb-cli-'));
}

test('draft --offline writes every file, says it is a demo, and its post passes the app’s own checks', async () => {
  const out = tempDir();
  // A topic that is not bundled: the closest recorded pages are used.
  const run = await runCli('draft', ['--offline', '--topic', 'Onboarding engineers who work from home', '--keyphrase', 'engineer onboarding', '--channels', 'linkedin,x_thread,newsletter,slack', '--out', out]);
  expect(run.code, run.stderr).toBe(0);
  const files = ['post.md', 'post.html', 'linkedin.md', 'x_thread.md', 'newsletter.md', 'slack_announcement.md', 'report.json', 'report.html'];
  for (const file of files) {
    expect(existsSync(path.join(out, file)), file).toBe(true);
    expect(readFileSync(path.join(out, file), 'utf8'), file).toContain(NOTICE);
  }
  expect(run.stdout).toContain(NOTICE);
  // Not a terminal: one plain progress line per event.
  expect(run.stderr).toMatch(/^research: done in [\d.]+ s: 2 sources/m);
  expect(run.stderr).toMatch(/^pass 1: SEO \d+ → \d+/m);

  const report = JSON.parse(readFileSync(path.join(out, 'report.json'), 'utf8')) as DraftReport;
  const postMd = readFileSync(path.join(out, 'post.md'), 'utf8');
  const frontMatter = parseYaml(/^---\n([\s\S]*?)\n---\n/.exec(postMd)?.[1] ?? '');
  expect(frontMatter).toMatchObject({
    title: report.post.title,
    slug: 'engineer-onboarding-guide',
    meta_description: report.post.metaDescription,
    keyphrase: 'engineer onboarding',
    scores: { seo: report.scores.seo.after, readability: report.scores.readability.after },
  });
  expect(frontMatter.notice).toContain(NOTICE);

  // The claim check, run again here on the post with the recorded pages' text: no unsupported figure.
  const pages = new Map(loadRecordedTopics().flatMap((topic) => topic.pages.map((page) => [page.url, page.markdown] as const)));
  const texts = report.research.sources.map((source) => ({ sourceId: source.id, markdown: pages.get(source.url) ?? '' }));
  const claims = checkClaims(report.post.markdown, { texts, evidence: report.research.evidence });
  expect(claims.unsupported).toEqual([]);
  expect(claims.supported).toBeGreaterThan(0);
  expect(report.claims.unsupported).toEqual([]);

  // Every citation resolves to a source link in the published post.
  const cited = findCitedIds(report.post.markdown);
  expect(cited.length).toBeGreaterThan(0);
  for (const id of cited) {
    const source = report.research.sources.find((candidate) => candidate.id === id);
    expect(source, `source ${id}`).toBeDefined();
    expect(postMd).toContain(`](<${source!.url}>)`);
  }
  expect(report.citations.unresolved).toEqual([]);
  expect(postMd).not.toMatch(/(?<!\\)\[\d+\](?!\()/);

  // SEO and readability, analysed again here, meet the default thresholds.
  const analysis = analyzeContent(analysisInput({ keyphrase: 'engineer onboarding', keywords: [] }, report.post, report.research as never));
  expect(analysis.seoScore).toBeGreaterThanOrEqual(DEFAULT_SETTINGS.seoThreshold);
  expect(analysis.readabilityScore).toBeGreaterThanOrEqual(DEFAULT_SETTINGS.readabilityThreshold);
  expect(report.scores.seo.after).toBe(analysis.seoScore);
  expect(report.scores.seo.before).toBeLessThan(report.scores.seo.after);
  expect(report.variants.map((variant) => [variant.channel, variant.withinLimits])).toEqual([
    ['linkedin', true],
    ['x_thread', true],
    ['newsletter', true],
    ['slack_announcement', true],
  ]);
}, 120_000);

test('bad arguments exit 2 with the usage', async () => {
  const [missing, unknown, channel, noKey] = await Promise.all([
    runCli('draft', ['--offline', '--keyphrase', 'remote onboarding']),
    runCli('draft', ['--offline', '--topic', 'x', '--keyphrase', 'y', '--colour', 'red']),
    runCli('draft', ['--offline', '--topic', 'x', '--keyphrase', 'y', '--channels', 'linkedin,fax']),
    runCli('draft', ['--topic', 'x', '--keyphrase', 'y']),
  ]);
  expect(missing.code).toBe(2);
  expect(missing.stderr).toContain('--topic is required.');
  expect(missing.stderr).toContain('Usage: npm run draft');

  expect(unknown.code).toBe(2);
  expect(unknown.stderr).toContain("Unknown option '--colour'");
  expect(unknown.stderr).toContain('Usage: npm run draft');

  expect(channel.code).toBe(2);
  expect(channel.stderr).toContain('"fax" is not a channel');

  expect(noKey.code).toBe(2);
  expect(noKey.stderr).toContain('OPENAI_API_KEY is not set');
}, 120_000);

test('a failing stage exits 1 and names the stage and the cause', async () => {
  const openai = await startFakeOpenAI();
  openai.onRequest(() => ({ status: 401 }));
  try {
    const out = tempDir();
    const run = await runCli('draft', ['--topic', 'Remote onboarding', '--keyphrase', 'remote onboarding', '--out', out], {
      OPENAI_API_KEY: 'sk-wrong',
      OPENAI_BASE_URL: openai.url,
      LLM_MAX_RETRIES: '0',
    });
    expect(run.code).toBe(1);
    // Without a Firecrawl key research is skipped with a warning; the draft stage then fails.
    expect(run.stderr).toContain('FIRECRAWL_API_KEY is not set: research is skipped');
    expect(run.stderr).toMatch(/draft: the draft stage failed: The language model rejected the outline step \(.*\): check OPENAI_API_KEY\./);
    expect(existsSync(path.join(out, 'report.json'))).toBe(false);
  } finally {
    await openai.close();
  }
}, 120_000);
