import { teaBrief } from '../fixtures/tea-brief.ts';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { AppError } from '../../../src/errors.ts';
import { makeLlmGateway, type LlmGateway } from '../../../src/orchestrator/llm.ts';
import { makeScraper, type Scraper } from '../../../src/orchestrator/scraper.ts';
import { researchTopic, SKIPPED_BY_PLAN, SKIPPED_NO_SCRAPER } from '../../../src/orchestrator/stages/research.ts';
import { startFakeFirecrawl, type FakeFirecrawl } from '../../support/fake-firecrawl.ts';
import { startFakeOpenAI, type FakeOpenAI } from '../../support/fake-openai.ts';

const brief = teaBrief({
  keywords: ['matcha'],
  brief: null,
  competitorUrls: ['https://mine1.test/guide', 'https://mine2.test/guide', 'https://mine3.test/guide', 'https://www.Result1.test/tea/#top'],
  brandVoice: { description: 'Calm and kind.', dos: [], donts: [], examples: [] },
});

const page = (title: string, words = 'Green tea is steeped briefly in hot water.') => `# ${title}\n\n${words}\n\n## Brewing\n\nUse water at 80 °C.`;
const logger = pino({ level: 'silent' });

let openai: FakeOpenAI;
let firecrawl: FakeFirecrawl;
let llm: LlmGateway;
let scraper: Scraper;
beforeEach(async () => {
  [openai, firecrawl] = await Promise.all([startFakeOpenAI(), startFakeFirecrawl({ apiKey: 'fc-test' })]);
  llm = makeLlmGateway({ apiKey: 'sk-test', baseURL: openai.url, model: 'gpt-test', timeoutMs: 2_000, retryBaseDelayMs: 5, retryMaxDelayMs: 20, logger });
  scraper = makeScraper({ apiKey: 'fc-test', apiUrl: firecrawl.url, timeoutMs: 2_000, logger });
});
afterEach(async () => {
  await Promise.all([openai.close(), firecrawl.close()]);
});

const answer = {
  competitors: [
    { url: 'https://result2.test/tea/', title: 'Result 2', angle: 'For beginners.', headings: ['Brewing', ' '] },
    { url: 'https://elsewhere.test/', title: 'Unscraped', angle: 'Named by the model.', headings: [] },
  ],
  intent: 'informational',
  format: 'how-to',
  terms: ['water', ' ', 'steeping', 'oolong'],
  evidence: [
    { sourceId: 5, quote: 'Use water at 80 °C.', kind: 'claim', note: 'temperature' },
    { sourceId: 5, quote: 'Use water at 100 °C.', kind: 'claim', note: 'invented' },
    { sourceId: 42, quote: 'Use water at 80 °C.', kind: 'claim', note: 'no such source' },
  ],
  gaps: ['Cold brewing', ''],
  questions: ['How long should green tea steep?'],
};
const emptyAnswer = { competitors: [], intent: 'commercial', format: 'list', terms: [], evidence: [], gaps: [], questions: [] };

describe('researchTopic', () => {
  test('marketer URLs first, deduplicated, at most 8; sources numbered in scrape order; a failed page listed', async () => {
    firecrawl.searchResults = () => [1, 2, 3, 4, 5, 6].map((n) => ({ url: `https://result${n}.test/tea`, title: `Result ${n}`, description: '' }));
    for (const url of [...brief.competitorUrls, ...[2, 4, 5, 6].map((n) => `https://result${n}.test/tea`)]) {
      firecrawl.pages.set(url, page(new URL(url).hostname));
    }
    firecrawl.pages.set('https://result3.test/tea', { status: 404 });
    openai.enqueue({ json: answer, usage: { prompt_tokens: 900, completion_tokens: 120 } });

    const outcome = await researchTopic({ brief, scraper, llm });

    const search = firecrawl.requests.filter((request) => request.path === '/v2/search');
    expect(search.map((request) => request.body)).toEqual([expect.objectContaining({ query: 'green tea', limit: 6 })]);
    const scraped = firecrawl.requests.filter((request) => request.path === '/v2/scrape').map((request) => request.body.url);
    expect(scraped.sort()).toEqual(
      [...brief.competitorUrls, 'https://result2.test/tea', 'https://result3.test/tea', 'https://result4.test/tea', 'https://result5.test/tea'].sort(),
    );
    if (outcome.kind !== 'done') throw new Error(`expected research, got ${outcome.reason}`);
    expect(outcome.research.sources).toEqual([
      { id: 1, url: 'https://mine1.test/guide', title: 'mine1.test' },
      { id: 2, url: 'https://mine2.test/guide', title: 'mine2.test' },
      { id: 3, url: 'https://mine3.test/guide', title: 'mine3.test' },
      { id: 4, url: 'https://www.Result1.test/tea/#top', title: 'www.result1.test' },
      { id: 5, url: 'https://result2.test/tea', title: 'result2.test' },
      { id: 6, url: 'https://result4.test/tea', title: 'result4.test' },
      { id: 7, url: 'https://result5.test/tea', title: 'result5.test' },
    ]);
    expect(outcome.failures).toEqual([{ url: 'https://result3.test/tea', reason: expect.stringContaining('404') }]);
    // Only scraped pages are competitors, with the length counted in code.
    expect(outcome.research.competitors).toEqual([{ url: 'https://result2.test/tea', title: 'Result 2', angle: 'For beginners.', headings: ['Brewing'], wordCount: 16 }]);
    expect(outcome.research.medianWordCount).toBe(16);
    expect(outcome.research).toMatchObject({ intent: 'informational', format: 'how-to' });
    // Counted in code over the seven pages: the keyphrase and keywords always, the model's terms when used.
    expect(outcome.research.keywords).toEqual([
      { term: 'green tea', frequency: 7, competitorCount: 7 },
      { term: 'matcha', frequency: 0, competitorCount: 0 },
      { term: 'water', frequency: 14, competitorCount: 7 },
      { term: 'steeping', frequency: 7, competitorCount: 7 },
    ]);
    expect(outcome.research.evidence).toEqual([{ id: 'E1', sourceId: 5, quote: 'Use water at 80 °C.', kind: 'claim', note: 'temperature' }]);
    expect(outcome.research.quotes).toEqual({ kept: 1, dropped: 2 });
    expect(outcome.texts.map((text) => text.sourceId)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(outcome.texts[4]?.markdown).toBe(page('result2.test'));
    expect(outcome.research.gaps).toEqual(['Cold brewing']);
    expect(outcome.usage).toEqual({ inputTokens: 900, outputTokens: 120 });

    expect(openai.requests).toHaveLength(1);
    const body = openai.requests[0]?.body;
    expect(body?.response_format).toMatchObject({ json_schema: { name: 'research' } });
    const user = body?.messages?.[1]?.content ?? '';
    expect(user).toContain('<untrusted_source id="1" url="https://mine1.test/guide" title="mine1.test">');
    expect(user).toContain('<untrusted_source id="7" url="https://result5.test/tea" title="result5.test">');
    expect(body?.messages?.[0]?.content).toContain('Calm and kind.');
  });

  test('does not search when the marketer already gave enough URLs', async () => {
    for (const url of brief.competitorUrls) firecrawl.pages.set(url, page('Mine'));
    openai.enqueue({ json: emptyAnswer });

    const outcome = await researchTopic({ brief, scraper, llm, maxSources: 2 });

    expect(firecrawl.requests.map((request) => request.path)).toEqual(['/v2/scrape', '/v2/scrape']);
    expect(outcome.kind === 'done' && outcome.research.sources.map((source) => source.url)).toEqual(brief.competitorUrls.slice(0, 2));
  });

  test('every page failing is a retryable error that names one failure, and no LLM call is made', async () => {
    firecrawl.searchResults = () => [{ url: 'https://gone.test/tea', title: 'Gone', description: '' }];

    const error = await researchTopic({ brief: { ...brief, competitorUrls: ['https://down.test/'] }, scraper, llm }).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ code: 'UPSTREAM_RETRYABLE' });
    expect((error as AppError).message).toMatch(/^None of the 2 pages found for "green tea" could be read \(https:\/\/down\.test\/: .+\), so research will be retried\.$/);
    expect(openai.requests).toHaveLength(0);
  });

  test('is skipped, with a reason, when the plan asks or there is no scraper', async () => {
    await expect(researchTopic({ brief: { ...brief, skipResearch: true }, scraper, llm })).resolves.toEqual({
      kind: 'skipped',
      reason: SKIPPED_BY_PLAN,
      usage: { inputTokens: 0, outputTokens: 0 },
    });
    await expect(researchTopic({ brief, scraper: undefined, llm })).resolves.toMatchObject({ kind: 'skipped', reason: SKIPPED_NO_SCRAPER });
    expect(SKIPPED_NO_SCRAPER).toBe('Skipped: no Firecrawl key is configured (FIRECRAWL_API_KEY).');
    expect(firecrawl.requests).toHaveLength(0);
    expect(openai.requests).toHaveLength(0);
  });

  test('is skipped when the search finds nothing and the plan has no URLs', async () => {
    firecrawl.searchResults = () => [];
    const outcome = await researchTopic({ brief: { ...brief, competitorUrls: [] }, scraper, llm });
    expect(outcome).toMatchObject({ kind: 'skipped', reason: expect.stringContaining('found no pages for "green tea"') });
  });
});
