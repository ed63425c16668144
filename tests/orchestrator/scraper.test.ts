import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { AppError } from '../../src/errors.ts';
import { capByRelevance, makeScraper, type ScraperOptions } from '../../src/orchestrator/scraper.ts';
import { startFakeFirecrawl, type FakeFirecrawl } from '../support/fake-firecrawl.ts';

const focus = { keyphrase: 'green tea', keywords: ['matcha', 'caffeine'] };
const teaPage = '# Green tea guide\n\nGreen tea has less caffeine than coffee.\n\n## Brewing\n\nUse water at 80 °C.';

let fake: FakeFirecrawl;
beforeEach(async () => {
  fake = await startFakeFirecrawl({ apiKey: 'fc-test' });
});
afterEach(async () => {
  await fake.close();
});

function scraper(options: Partial<ScraperOptions> = {}) {
  return makeScraper({ apiKey: 'fc-test', apiUrl: fake.url, logger: pino({ level: 'silent' }), ...options });
}

describe('makeScraper', () => {
  test('search returns url, title and description, up to the limit', async () => {
    fake.searchResults = (query) =>
      [1, 2, 3].map((n) => ({ url: `https://site${n}.test/${query.replace(/ /g, '-')}`, title: `Result ${n}`, description: `About ${query} ${n}` }));

    const results = await scraper().search('green tea', 2);

    expect(results).toEqual([
      { url: 'https://site1.test/green-tea', title: 'Result 1', description: 'About green tea 1' },
      { url: 'https://site2.test/green-tea', title: 'Result 2', description: 'About green tea 2' },
    ]);
    const [sent] = fake.requests;
    expect(sent?.path).toBe('/v2/search');
    expect(sent?.headers.authorization).toBe('Bearer fc-test');
    expect(sent?.body).toMatchObject({ query: 'green tea', limit: 2 });
  });

  test('a refused key fails search with a final error that names the setting', async () => {
    const error = await scraper({ apiKey: 'fc-wrong' }).search('green tea', 3).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ code: 'UPSTREAM' });
    expect((error as AppError).message).toContain('FIRECRAWL_API_KEY');
  });

  test('a Firecrawl outage during search is retryable', async () => {
    const closed = await startFakeFirecrawl();
    await closed.close();

    const error = await scraper({ apiUrl: closed.url }).search('green tea', 3).catch((caught: unknown) => caught);

    expect(error).toMatchObject({ code: 'UPSTREAM_RETRYABLE' });
  });

  test('scrapeAll returns the pages that worked and lists the ones that failed', async () => {
    fake.pages.set('https://a.test/tea', teaPage);
    fake.pages.set('https://b.test/matcha', '# Matcha\n\nMatcha is powdered green tea.');
    fake.pages.set('https://c.test/gone', { status: 404 });
    fake.pages.set('https://d.test/broken', { apiStatus: 500 });
    fake.pages.set('https://e.test/empty', '   ');

    const { pages, failures } = await scraper().scrapeAll(
      ['https://a.test/tea', 'https://b.test/matcha', 'https://c.test/gone', 'https://d.test/broken', 'https://e.test/empty', 'https://nowhere.test/', 'https://a.test/tea'],
      focus,
    );

    expect(pages).toEqual([
      { url: 'https://a.test/tea', title: 'Green tea guide', markdown: teaPage, wordCount: 16, truncated: false },
      { url: 'https://b.test/matcha', title: 'Matcha', markdown: '# Matcha\n\nMatcha is powdered green tea.', wordCount: 6, truncated: false },
    ]);
    expect(failures).toEqual([
      { url: 'https://c.test/gone', reason: 'the page answered HTTP 404' },
      { url: 'https://d.test/broken', reason: expect.stringContaining('Firecrawl answered 500') },
      { url: 'https://e.test/empty', reason: 'the page has no readable text' },
      { url: 'https://nowhere.test/', reason: expect.stringContaining('DNS resolution failed') },
    ]);
    const scrapes = fake.requests.filter((request) => request.path === '/v2/scrape');
    expect(scrapes).toHaveLength(6);
    expect(scrapes[0]?.body).toMatchObject({ url: 'https://a.test/tea', formats: ['markdown'] });
  });

  test('a page that does not answer in time is a failure, not an error', async () => {
    fake.pages.set('https://a.test/tea', teaPage);
    fake.pages.set('https://slow.test/', { hang: true });

    const { pages, failures } = await scraper({ timeoutMs: 200 }).scrapeAll(['https://slow.test/', 'https://a.test/tea'], focus);

    expect(pages.map((page) => page.url)).toEqual(['https://a.test/tea']);
    expect(failures).toEqual([{ url: 'https://slow.test/', reason: 'no answer within 200 ms' }]);
  });

  test('a refused key stops scrapeAll with a final error', async () => {
    fake.pages.set('https://a.test/tea', teaPage);
    await expect(scraper({ apiKey: 'fc-wrong' }).scrapeAll(['https://a.test/tea'], focus)).rejects.toMatchObject({ code: 'UPSTREAM' });
  });

  test('long pages are cut by relevance; wordCount is of the whole page', async () => {
    const filler = Array.from({ length: 40 }, (_, n) => `Unrelated paragraph number ${n} about the weather and other things.`);
    const markdown = ['# Tea', ...filler.slice(0, 20), 'Matcha is shaded green tea.', ...filler.slice(20)].join('\n\n');
    fake.pages.set('https://long.test/', markdown);

    const { pages } = await scraper({ maxPageChars: 400 }).scrapeAll(['https://long.test/'], focus);

    const [page] = pages;
    expect(page?.truncated).toBe(true);
    expect(page?.markdown.length).toBeLessThanOrEqual(400);
    expect(page?.markdown.startsWith('# Tea\n\n')).toBe(true);
    expect(page?.markdown).toContain('Matcha is shaded green tea.');
    expect(page?.wordCount).toBe(1 + 5 + 40 * 10);
  });

  test('never has more requests in flight than its concurrency', async () => {
    fake.setLatency(60);
    const urls = Array.from({ length: 7 }, (_, n) => `https://site${n}.test/`);
    for (const url of urls) fake.pages.set(url, `# Page\n\nText of ${url}`);

    const { pages } = await scraper({ concurrency: 2 }).scrapeAll(urls, focus);

    expect(pages).toHaveLength(7);
    expect(fake.maxInFlight).toBe(2);
  });
});

describe('capByRelevance', () => {
  const paragraphs = [
    '# Guide',
    'Intro about nothing in particular, just to take space on the page.',
    '## Why green tea',
    'Green tea is gentle and pleasant in the afternoon.',
    'The weather was fine and the garden looked nice that day.',
    'Matcha is a powdered form that people whisk with water.',
    'Another filler paragraph that says very little of use here.',
  ];
  const markdown = paragraphs.join('\n\n');

  test('returns short text unchanged', () => {
    expect(capByRelevance(markdown, focus, markdown.length)).toBe(markdown);
  });

  test('keeps headings and relevant paragraphs first, in page order', () => {
    const keep = [paragraphs[0], paragraphs[2], paragraphs[3], paragraphs[5]].join('\n\n');

    expect(capByRelevance(markdown, focus, keep.length)).toBe(keep);
  });

  test('fills the remaining room with other paragraphs in page order', () => {
    const keep = [paragraphs[0], paragraphs[1], paragraphs[2], paragraphs[3], paragraphs[5]].join('\n\n');

    expect(capByRelevance(markdown, focus, keep.length + 10)).toBe(keep);
  });

  test('cuts the first block that does not fit at a word when room is left', () => {
    const long = Array.from({ length: 30 }, (_, n) => `word${n}`).join(' ');

    const result = capByRelevance(`# Title\n\n${long}`, focus, 100);

    expect(result.length).toBeLessThanOrEqual(100);
    expect(result).toMatch(/^# Title\n\nword0 word1 .* word\d+…$/);
  });

  test('matches whole words only, case-insensitively', () => {
    const text = ['Said the man, plainly, about many unrelated things today.', 'AI tools write drafts.'].join('\n\n');

    expect(capByRelevance(text, { keyphrase: 'ai', keywords: [] }, 25)).toBe('AI tools write drafts.');
  });

  test('splits a heading from the paragraph right under it', () => {
    const text = '## Matcha\nFiller text that is long enough to be dropped from the result.\n\nShort one.';

    expect(capByRelevance(text, focus, 25)).toBe('## Matcha\n\nShort one.');
  });

  test('never exceeds the cap', () => {
    for (const max of [10, 50, 120, 180, 260]) {
      expect(capByRelevance(markdown, focus, max).length).toBeLessThanOrEqual(max);
    }
  });
});
