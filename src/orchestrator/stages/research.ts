import { z } from 'zod';
import { AppError } from '../../errors.ts';
import type { LlmGateway } from '../llm.ts';
import { buildResearchPrompt } from '../prompts.ts';
import type { ScrapedPage, Scraper } from '../scraper.ts';
import { NO_USAGE, type PlanBrief, type Research, type ResearchOutcome } from '../types.ts';
import { normalizeUrl } from './normalize-url.ts';

/** What the research call returns; sources are not asked for, they are the scraped pages, numbered in code. */
export const researchAnswerSchema = z.object({
  competitors: z.array(
    z.object({
      url: z.string().describe("The page's url, exactly as in its untrusted_source tag."),
      title: z.string(),
      angle: z.string().describe('Who the page is for and what it argues, in one sentence.'),
      headings: z.array(z.string()).describe('Its H2/H3 headings, in order.'),
      wordCount: z.number().describe('Estimated length in words.'),
    }),
  ),
  keywords: z.array(
    z.object({
      term: z.string(),
      frequency: z.number().describe('Total occurrences across all pages.'),
      competitorCount: z.number().describe('How many pages use the term.'),
    }),
  ),
  gaps: z.array(z.string()).describe('Subtopics readers need that the pages cover thinly or not at all.'),
  questions: z.array(z.string()).describe('Questions readers ask, phrased as a reader would.'),
});
export type ResearchAnswer = z.infer<typeof researchAnswerSchema>;

export const SKIPPED_BY_PLAN = 'Skipped: the plan asked to skip research.';
export const SKIPPED_NO_SCRAPER = 'Skipped: no Firecrawl key is configured (FIRECRAWL_API_KEY).';

export type ResearchTopicOptions = {
  brief: PlanBrief;
  /** Undefined when no Firecrawl key is configured: research is then skipped with a note. */
  scraper: Scraper | undefined;
  llm: LlmGateway;
  maxSources?: number;
  searchLimit?: number;
};

/**
 * Stage 1: search the keyphrase, scrape the marketer's URLs then the top results (deduplicated, at most
 * `maxSources`), and summarise them in one structured call. Pages that fail are listed, not fatal;
 * when every page fails it throws UPSTREAM_RETRYABLE.
 */
export async function researchTopic({ brief, scraper, llm, maxSources = 8, searchLimit = 6 }: ResearchTopicOptions): Promise<ResearchOutcome> {
  if (brief.skipResearch) return { kind: 'skipped', reason: SKIPPED_BY_PLAN, usage: NO_USAGE };
  if (!scraper) return { kind: 'skipped', reason: SKIPPED_NO_SCRAPER, usage: NO_USAGE };

  const query = brief.keyphrase.trim() || brief.topic.trim();
  const urls = dedupeUrls(brief.competitorUrls, maxSources);
  if (urls.length < maxSources) {
    const results = await scraper.search(query, searchLimit);
    urls.push(...dedupeUrls([...urls, ...results.map((result) => result.url)], maxSources).slice(urls.length));
  }
  if (urls.length === 0) {
    return {
      kind: 'skipped',
      reason: `Skipped: the web search found no pages for "${query}" and the plan lists no competitor URLs.`,
      usage: NO_USAGE,
    };
  }

  const { pages, failures } = await scraper.scrapeAll(urls, { keyphrase: brief.keyphrase, keywords: brief.keywords });
  const firstFailure = failures[0];
  if (pages.length === 0) {
    const detail = firstFailure ? ` (${firstFailure.url}: ${firstFailure.reason})` : '';
    throw new AppError('UPSTREAM_RETRYABLE', `None of the ${urls.length} pages found for "${query}" could be read${detail}, so research will be retried.`, {
      details: { failures },
    });
  }

  // Ids follow the scraped pages, so they are stable whatever the model answers.
  const numbered = pages.map((page, index) => ({ ...page, id: index + 1 }));
  const prompt = buildResearchPrompt({ brief, pages: numbered });
  const { data, usage } = await llm.generate({ stage: 'research', schemaName: 'research', schema: researchAnswerSchema, ...prompt });
  const research: Research = {
    competitors: toCompetitors(data.competitors, pages),
    keywords: data.keywords
      .map((keyword) => ({ term: keyword.term.trim(), frequency: toCount(keyword.frequency), competitorCount: toCount(keyword.competitorCount) }))
      .filter((keyword) => keyword.term !== ''),
    gaps: cleanList(data.gaps),
    questions: cleanList(data.questions),
    sources: numbered.map((page) => ({ id: page.id, url: page.url, title: page.title })),
  };
  return { kind: 'done', research, failures, usage };
}

/** The first of each URL (by normalised form), in order, at most `max`; blank entries dropped. */
function dedupeUrls(urls: readonly string[], max: number): string[] {
  const seen = new Set<string>();
  const kept: string[] = [];
  for (const raw of urls) {
    const url = raw.trim();
    const key = normalizeUrl(url);
    if (url === '' || seen.has(key)) continue;
    seen.add(key);
    kept.push(url);
    if (kept.length >= max) break;
  }
  return kept;
}

/** Word counts come from the scraper where the model's URL is a scraped page; the model's estimate is a fallback. */
function toCompetitors(answers: ResearchAnswer['competitors'], pages: readonly ScrapedPage[]): Research['competitors'] {
  const pagesByUrl = new Map(pages.map((page) => [normalizeUrl(page.url), page]));
  const seen = new Set<string>();
  const competitors: Research['competitors'] = [];
  for (const answer of answers) {
    const key = normalizeUrl(answer.url);
    if (seen.has(key)) continue;
    seen.add(key);
    const page = pagesByUrl.get(key);
    competitors.push({
      url: page?.url ?? answer.url.trim(),
      title: answer.title.trim() || page?.title || answer.url.trim(),
      angle: answer.angle.trim(),
      headings: cleanList(answer.headings),
      wordCount: page?.wordCount ?? toCount(answer.wordCount),
    });
  }
  return competitors;
}

function toCount(value: number): number {
  return Number.isFinite(value) ? Math.max(0, Math.round(value)) : 0;
}

function cleanList(items: readonly string[]): string[] {
  return items.map((item) => item.trim()).filter(Boolean);
}
