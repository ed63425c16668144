import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * What scraping a URL gives:
 * - a string: the page's Markdown;
 * - `{ status }`: the site answered that HTTP status (Firecrawl still succeeds and reports it in
 *   `metadata.statusCode`, as the real API does);
 * - `{ apiStatus }`: Firecrawl itself fails with that status (`{ success: false, code, error }`);
 * - `{ hang: true }`: Firecrawl never answers.
 * A URL missing from the map fails like an unknown host: 200 with `success: false`.
 */
export type FakePage =
  | string
  | { status: number; markdown?: string }
  | { apiStatus: number; code?: string; error?: string }
  | { hang: true };

export type FakeSearchResult = { url: string; title: string; description: string };

export type FakeFirecrawlRequest = {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: Record<string, unknown>;
};

export type FakeFirecrawl = {
  /** Base URL, for the SDK's `apiUrl`. */
  url: string;
  requests: FakeFirecrawlRequest[];
  pages: Map<string, FakePage>;
  /** Results for POST /v2/search, cut to the request's `limit`; by default the string pages of `pages`. */
  searchResults: (query: string) => FakeSearchResult[];
  setLatency(ms: number): void;
  readonly inFlight: number;
  readonly maxInFlight: number;
  close(): Promise<void>;
};

/**
 * An HTTP server on 127.0.0.1 that plays Firecrawl's v2 API as @mendable/firecrawl-js 4 calls it:
 * POST /v2/scrape `{ url, formats, ... , origin }` → `{ success: true, data: { markdown, metadata } }`;
 * POST /v2/search `{ query, limit, scrapeOptions?, origin }` → `{ success: true, data: { web: [...] }, creditsUsed, id }`.
 * With `apiKey` set, other bearer tokens get 401 like the real service.
 */
export async function startFakeFirecrawl({ latencyMs = 0, apiKey }: { latencyMs?: number; apiKey?: string } = {}): Promise<FakeFirecrawl> {
  const requests: FakeFirecrawlRequest[] = [];
  const pages = new Map<string, FakePage>();
  let latency = latencyMs;
  let inFlight = 0;
  let maxInFlight = 0;
  let jobCount = 0;

  const fake: FakeFirecrawl = {
    url: '',
    requests,
    pages,
    searchResults: () =>
      [...pages].flatMap(([url, page]) =>
        typeof page === 'string' ? [{ url, title: firstHeading(page) ?? url, description: firstParagraph(page).slice(0, 160) }] : [],
      ),
    setLatency: (ms) => {
      latency = ms;
    },
    get inFlight() {
      return inFlight;
    },
    get maxInFlight() {
      return maxInFlight;
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };

  function scrapeDocument(url: string, page: string | { status: number; markdown?: string }) {
    const markdown = typeof page === 'string' ? page : (page.markdown ?? `# ${page.status}\n\nThe page could not be shown.`);
    const statusCode = typeof page === 'string' ? 200 : page.status;
    jobCount += 1;
    return {
      markdown,
      metadata: {
        title: firstHeading(markdown),
        description: firstParagraph(markdown).slice(0, 160),
        language: 'en',
        sourceURL: url,
        url,
        statusCode,
        ...(statusCode >= 400 ? { error: `The page answered ${statusCode}` } : {}),
        contentType: 'text/html; charset=utf-8',
        scrapeId: `fake-scrape-${jobCount}`,
        proxyUsed: 'basic',
        cacheState: 'miss',
        creditsUsed: 1,
        concurrencyLimited: false,
      },
    };
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const text = await readBody(req);
    const request: FakeFirecrawlRequest = {
      method: req.method ?? 'GET',
      path: new URL(req.url ?? '/', 'http://fake').pathname,
      headers: req.headers,
      body: parseJson(text),
    };
    requests.push(request);
    inFlight += 1;
    maxInFlight = Math.max(maxInFlight, inFlight);
    res.once('close', () => {
      inFlight -= 1;
    });

    const isScrape = request.method === 'POST' && request.path === '/v2/scrape';
    const url = String(request.body.url ?? '');
    const page = isScrape ? pages.get(url) : undefined;
    if (typeof page === 'object' && 'hang' in page) return;
    await delay(latency);

    if (apiKey !== undefined && req.headers.authorization !== `Bearer ${apiKey}`) {
      return send(res, 401, { success: false, error: 'Unauthorized: Invalid token' });
    }
    if (isScrape) {
      if (page === undefined) {
        const host = URL.canParse(url) ? new URL(url).hostname : url;
        return send(res, 200, { success: false, code: 'SCRAPE_DNS_RESOLUTION_ERROR', error: `DNS resolution failed for hostname: ${host}` });
      }
      if (typeof page === 'object' && 'apiStatus' in page) {
        return send(res, page.apiStatus, {
          success: false,
          code: page.code ?? (page.apiStatus === 408 ? 'SCRAPE_TIMEOUT' : 'SCRAPE_ALL_ENGINES_FAILED'),
          error: page.error ?? `Scrape failed with status ${page.apiStatus}.`,
        });
      }
      return send(res, 200, { success: true, data: scrapeDocument(url, page) });
    }
    if (request.method === 'POST' && request.path === '/v2/search') {
      const query = String(request.body.query ?? '');
      const limit = typeof request.body.limit === 'number' ? request.body.limit : 5;
      const scrapeOptions = request.body.scrapeOptions as { formats?: unknown[] } | undefined;
      const wantsMarkdown = scrapeOptions?.formats?.some((format) => format === 'markdown' || (format as { type?: unknown })?.type === 'markdown');
      const web = fake.searchResults(query).slice(0, limit).map((result, index) => {
        const page = pages.get(result.url);
        const scraped = wantsMarkdown && (typeof page === 'string' || (typeof page === 'object' && 'status' in page)) ? scrapeDocument(result.url, page) : {};
        return { ...result, position: index + 1, ...scraped };
      });
      jobCount += 1;
      return send(res, 200, { success: true, data: { web }, creditsUsed: Math.max(1, web.length), id: `fake-search-${jobCount}` });
    }
    return send(res, 404, { success: false, error: `fake Firecrawl does not serve ${request.method} ${request.path}` });
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => send(res, 500, { success: false, error: String(error) }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return fake;
}

function send(res: ServerResponse, status: number, body: unknown): void {
  if (res.destroyed) return;
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify(body));
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function parseJson(text: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : { value };
  } catch {
    return { raw: text };
  }
}

function firstHeading(markdown: string): string | undefined {
  return /^#{1,6}\s+(.+)$/m.exec(markdown)?.[1]?.trim();
}

function firstParagraph(markdown: string): string {
  return markdown.split(/\n\s*\n/).find((block) => !block.trim().startsWith('#'))?.trim() ?? '';
}

function delay(ms: number): Promise<void> {
  return ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve();
}
