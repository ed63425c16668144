import Firecrawl, { type Document, type SearchResultWeb } from '@mendable/firecrawl-js';
import type { Logger } from 'pino';
import { AppError } from '../errors.ts';
import { isRetryable, makeLimiter } from './llm.ts';

export type SearchResult = { url: string; title: string; description: string };
export type ScrapedPage = { url: string; title: string; markdown: string; wordCount: number; truncated: boolean };
export type ScrapeFailure = { url: string; reason: string };
export type Focus = { keyphrase: string; keywords: string[] };

export type Scraper = {
  search(query: string, limit: number): Promise<SearchResult[]>;
  /** Failed pages are listed in `failures`; it throws only when the account itself is refused (401/402). */
  scrapeAll(urls: string[], focus: Focus): Promise<{ pages: ScrapedPage[]; failures: ScrapeFailure[] }>;
};

export type ScraperOptions = {
  apiKey: string;
  apiUrl?: string;
  /** Firecrawl requests in flight at once, shared by every caller of this scraper. */
  concurrency?: number;
  /** Per request; the SDK aborts the HTTP call at this point. */
  timeoutMs?: number;
  /** Page text beyond this is cut by relevance to the focus. */
  maxPageChars?: number;
  logger: Logger;
};

export function makeScraper({
  apiKey,
  // Explicit, or the SDK would read FIRECRAWL_API_URL behind config's back.
  apiUrl = 'https://api.firecrawl.dev',
  concurrency = 4,
  timeoutMs = 30_000,
  maxPageChars = 12_000,
  logger,
}: ScraperOptions): Scraper {
  const client = new Firecrawl({ apiKey, apiUrl, timeoutMs });
  const limit = makeLimiter(concurrency);

  async function scrapeOne(url: string, focus: Focus): Promise<ScrapedPage | ScrapeFailure> {
    let document: Document;
    try {
      // autoResume off: with it the SDK stretches the HTTP timeout to 5.5 minutes for large PDFs.
      document = await limit(() => client.scrape(url, { formats: ['markdown'], autoResume: false }));
    } catch (error) {
      if (isAccountError(error)) throw toAppError(error, 'scrape pages');
      logger.warn({ url, err: error }, 'scrape failed');
      return { url, reason: describeFailure(error, timeoutMs) };
    }
    const statusCode = document.metadata?.statusCode;
    if (statusCode !== undefined && statusCode >= 400) return { url, reason: `the page answered HTTP ${statusCode}` };
    const markdown = document.markdown?.trim() ?? '';
    if (markdown === '') return { url, reason: 'the page has no readable text' };
    const capped = capByRelevance(markdown, focus, maxPageChars);
    return {
      url,
      title: document.metadata?.title?.trim() || firstHeading(markdown) || url,
      markdown: capped,
      wordCount: countWords(markdown),
      truncated: capped.length < markdown.length,
    };
  }

  return {
    async search(query, maxResults) {
      try {
        const result = await limit(() => client.search(query, { limit: maxResults }));
        return (result.web ?? []).flatMap((item) => {
          const web = item as SearchResultWeb & Document;
          const url = web.url ?? web.metadata?.sourceURL;
          if (!url) return [];
          return [{ url, title: web.title ?? web.metadata?.title ?? '', description: web.description ?? web.metadata?.description ?? '' }];
        });
      } catch (error) {
        throw toAppError(error, 'search the web');
      }
    },

    async scrapeAll(urls, focus) {
      const results = await Promise.all([...new Set(urls)].map((url) => scrapeOne(url, focus)));
      const pages: ScrapedPage[] = [];
      const failures: ScrapeFailure[] = [];
      for (const result of results) {
        if ('reason' in result) failures.push(result);
        else pages.push(result);
      }
      return { pages, failures };
    },
  };
}

type Block = { text: string; tier: number };

/**
 * Cuts Markdown to `maxChars` keeping what matters for research: headings first, then paragraphs that
 * mention the keyphrase or a keyword, then the rest, each tier in page order; the output keeps page order.
 * Blocks that do not fit are skipped; leftover room goes to the first skipped block, cut at a word.
 */
export function capByRelevance(markdown: string, focus: Focus, maxChars: number): string {
  if (markdown.length <= maxChars) return markdown;
  const matchers = [focus.keyphrase, ...focus.keywords]
    .map((term) => term.trim())
    .filter((term) => term !== '')
    .map((term) => new RegExp(`(?<![\\p{L}\\p{N}])${escapeRegExp(term)}(?![\\p{L}\\p{N}])`, 'iu'));
  const blocks: Block[] = splitBlocks(markdown).map((text) => ({
    text,
    tier: isHeading(text) ? 0 : matchers.some((matcher) => matcher.test(text)) ? 1 : 2,
  }));

  // Each kept block costs its length plus the blank line joining it; the first one needs no joint.
  let room = maxChars + 2;
  const kept = new Map<number, string>();
  const skipped: number[] = [];
  for (const tier of [0, 1, 2]) {
    blocks.forEach((block, index) => {
      if (block.tier !== tier) return;
      if (block.text.length + 2 <= room) {
        kept.set(index, block.text);
        room -= block.text.length + 2;
      } else {
        skipped.push(index);
      }
    });
  }
  const firstSkipped = skipped[0];
  const cut = firstSkipped === undefined ? '' : cutAtWord(blocks[firstSkipped]?.text ?? '', room - 2);
  if (firstSkipped !== undefined && cut !== '') kept.set(firstSkipped, cut);

  return [...kept.entries()]
    .sort(([a], [b]) => a - b)
    .map(([, text]) => text)
    .join('\n\n');
}

/** Paragraph blocks separated by blank lines; a heading line is always a block of its own. */
function splitBlocks(markdown: string): string[] {
  const blocks: string[] = [];
  let current: string[] = [];
  const flush = () => {
    if (current.length > 0) blocks.push(current.join('\n'));
    current = [];
  };
  for (const line of markdown.split(/\r?\n/)) {
    if (line.trim() === '') flush();
    else if (isHeading(line)) {
      flush();
      blocks.push(line.trim());
    } else current.push(line);
  }
  flush();
  return blocks;
}

function isHeading(text: string): boolean {
  return /^\s{0,3}#{1,6}\s/.test(text);
}

/** Room for the text cut short plus an ellipsis; too little room (under a short sentence) gives nothing. */
function cutAtWord(text: string, room: number): string {
  if (room < 40) return '';
  const slice = text.slice(0, room - 1);
  const lastSpace = slice.search(/\s\S*$/);
  return `${(lastSpace > 0 ? slice.slice(0, lastSpace) : slice).trimEnd()}…`;
}

function firstHeading(markdown: string): string | undefined {
  return /^\s{0,3}#{1,6}\s+(.+)$/m.exec(markdown)?.[1]?.trim();
}

/** Words of the visible text: link targets and image URLs are not words. */
function countWords(markdown: string): number {
  const text = markdown.replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1').replace(/https?:\/\/\S+/g, ' ');
  return text.match(/[\p{L}\p{N}]+(?:['’-][\p{L}\p{N}]+)*/gu)?.length ?? 0;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function statusOf(error: unknown): number | undefined {
  const status = (error as { status?: unknown } | null)?.status;
  return typeof status === 'number' ? status : undefined;
}

/** Payment required or a bad key: every other page would fail the same way, so stop. */
function isAccountError(error: unknown): boolean {
  const status = statusOf(error);
  return status === 401 || status === 402;
}

function describeFailure(error: unknown, timeoutMs: number): string {
  const code = (error as { code?: unknown } | null)?.code;
  if (code === 'ETIMEDOUT' || code === 'ECONNABORTED') return `no answer within ${timeoutMs} ms`;
  const message = error instanceof Error ? error.message : String(error);
  const status = statusOf(error);
  return status !== undefined && status !== 200 ? `Firecrawl answered ${status}: ${message}` : message;
}

function toAppError(error: unknown, action: string): AppError {
  const status = statusOf(error);
  const reason = error instanceof Error ? error.message : String(error);
  const details = { status, action };
  if (isRetryable(error)) {
    return new AppError('UPSTREAM_RETRYABLE', `Firecrawl could not ${action} (${reason}).`, {
      cause: error,
      details,
    });
  }
  const hint =
    status === 401
      ? 'check FIRECRAWL_API_KEY'
      : status === 402
        ? 'the Firecrawl account is out of credits'
        : 'check FIRECRAWL_API_URL and the request';
  return new AppError('UPSTREAM', `Firecrawl could not ${action} (${reason}): ${hint}.`, { cause: error, details });
}
