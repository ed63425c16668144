import type { CliConfig } from '../config.ts';
import type { LlmGateway } from '../orchestrator/llm.ts';
import type { Scraper } from '../orchestrator/scraper.ts';
import { makeSeoPool, type SeoPool } from '../orchestrator/seo/pool.ts';
import type { PlanBrief } from '../orchestrator/types.ts';
import { UsageError } from './args.ts';
import { makeRecordedScraper } from './offline/corpus.ts';
import { makeOfflineWriter } from './offline/writer.ts';

export const OFFLINE_NOTICE =
  'Offline demo: research read recorded pages bundled with the app and the text was written by a deterministic offline writer, not a language model.';

/** What the pipeline runs on: the worker's own clients with the worker's limits, or the offline stand-ins. */
export type CliRuntime = {
  isOffline: boolean;
  model: string;
  llmFor(brief: PlanBrief): LlmGateway;
  scraper: Scraper | undefined;
  seo: SeoPool;
  warnings: string[];
  close(): Promise<void>;
};

/**
 * The live clients are imported only when used, so the offline demo does not load the OpenAI and
 * Firecrawl SDKs. `seoWorkers` defaults to SEO_WORKERS; one post analyses one text at a time.
 */
export async function makeCliRuntime(
  config: CliConfig,
  { isOffline, logLevel = 'silent', seoWorkers = config.seoWorkers }: { isOffline: boolean; logLevel?: string; seoWorkers?: number },
): Promise<CliRuntime> {
  const warnings: string[] = [];
  let llmFor: (brief: PlanBrief) => LlmGateway;
  let scraper: Scraper | undefined;
  if (isOffline) {
    llmFor = (brief) => makeOfflineWriter(brief);
    scraper = makeRecordedScraper();
  } else {
    const apiKey = config.openai.apiKey;
    if (!apiKey) throw new UsageError('OPENAI_API_KEY is not set: create a key at https://platform.openai.com/api-keys, or run with --offline for the demo.');
    const [{ default: pino }, { makeLogger }, { makeLlmGateway }, { makeScraper }] = await Promise.all([
      import('pino'),
      import('../logger.ts'),
      import('../orchestrator/llm.ts'),
      import('../orchestrator/scraper.ts'),
    ]);
    // Logs go to stderr, below the progress; silent unless LOG_LEVEL asks.
    const logger = makeLogger({ level: logLevel, destination: pino.destination(2) });
    const llm = makeLlmGateway({
      apiKey,
      baseURL: config.openai.baseUrl,
      model: config.openai.model,
      concurrency: config.llmConcurrency,
      timeoutMs: config.llmTimeoutMs,
      maxRetries: config.llmMaxRetries,
      logger,
    });
    llmFor = () => llm;
    if (config.firecrawl.apiKey) scraper = makeScraper({ apiKey: config.firecrawl.apiKey, apiUrl: config.firecrawl.apiUrl, logger });
    else warnings.push('FIRECRAWL_API_KEY is not set: research is skipped, so the post cites no sources and states no figures.');
  }
  const seo = makeSeoPool({ size: seoWorkers });
  return {
    isOffline,
    model: isOffline ? 'offline writer' : config.openai.model,
    llmFor,
    scraper,
    seo,
    warnings,
    close: () => seo.close(),
  };
}
