import { z } from 'zod';
import { AppError } from '../../errors.ts';
import type { LlmGateway } from '../llm.ts';
import { buildResearchPrompt } from '../prompts/builders.ts';
import type { ScrapedPage, Scraper } from '../scraper.ts';
import { countTerms, EVIDENCE_KINDS, medianOf, verifyEvidence, type SourceText } from '../evidence.ts';
import { CONTENT_FORMATS, NO_USAGE, SEARCH_INTENTS, type PlanBrief, type Research, type ResearchOutcome } from '../types.ts';
import { normalizeUrl } from './normalize-url.ts';

/**
 * What the research call returns. Sources are not asked for (they are the scraped pages, numbered in
 * code), nor are lengths or term counts: code computes those from the scraped text.
 */
export const researchAnswerSchema = z.object({
  competitors: z.array(
    z.object({
      url: z.string().describe("The page's url, exactly as in its untrusted_source tag."),
      title: z.string(),
      angle: z.string().describe('Who the page is for and what it argues, in one sentence.'),
      headings: z.array(z.string()).describe('Its H2/H3 headings, in order.'),
    }),
  ),
  intent: z.enum(SEARCH_INTENTS).describe('The search intent behind the focus keyphrase.'),
  format: z.enum(CONTENT_FORMATS).describe('The content format that ranks for it.'),
  terms: z.array(z.string()).describe('Terms and phrases the pages use for this topic, most useful first.'),
  evidence: z
    .array(
      z.object({
        sourceId: z.number().describe('The id of the untrusted_source tag the quote comes from.'),
        quote: z.string().describe('A passage copied verbatim from that page: the exact words, no paraphrase, no ellipsis.'),
        kind: z.enum(EVIDENCE_KINDS),
        note: z.string().describe('What the passage shows, in a few words.'),
      }),
    )
    .describe('Statistics, claims, definitions and examples a writer could cite.'),
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

/** Terms listed in the research reply and the prompts. */
const MAX_TERMS = 25;

/**
 * Stage 1: search the keyphrase, scrape the marketer's URLs then the top results (deduplicated, at most
 * `maxSources`), and summarise them in one structured call that also proposes evidence. Code keeps the
 * evidence whose quote is verbatim in its page, counts the terms and measures the pages. The pages'
 * text (as the scraper capped it, by relevance, at 12,000 characters each) is returned to be stored,
 * so every later check reads what the model read. Pages that fail are listed, not fatal; when every
 * page fails it throws UPSTREAM_RETRYABLE.
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
  const texts: SourceText[] = numbered.map((page) => ({ sourceId: page.id, markdown: page.markdown }));
  const evidence = verifyEvidence(
    data.evidence.map((item) => ({ ...item, sourceId: Math.round(item.sourceId) })),
    texts,
  );
  const terms = [brief.keyphrase, ...brief.keywords, ...data.terms].map((term) => term.trim()).filter(Boolean);
  const counted = countTerms(terms, numbered.map((page) => page.markdown));
  const research: Research = {
    competitors: toCompetitors(data.competitors, pages),
    // The plan's own keyphrase and keywords always show; the model's terms only where the pages use them.
    keywords: counted.filter((term, index) => index < 1 + brief.keywords.length || term.frequency > 0).slice(0, MAX_TERMS),
    gaps: cleanList(data.gaps),
    questions: cleanList(data.questions),
    sources: numbered.map((page) => ({ id: page.id, url: page.url, title: page.title })),
    intent: data.intent,
    format: data.format,
    medianWordCount: medianOf(pages.map((page) => page.wordCount)),
    evidence: evidence.kept,
    quotes: { kept: evidence.kept.length, dropped: evidence.dropped.length },
  };
  return { kind: 'done', research, texts, failures, usage };
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

/** Competitors are the scraped pages the model described; word counts are the scraper's. */
function toCompetitors(answers: ResearchAnswer['competitors'], pages: readonly ScrapedPage[]): Research['competitors'] {
  const pagesByUrl = new Map(pages.map((page) => [normalizeUrl(page.url), page]));
  const seen = new Set<string>();
  const competitors: Research['competitors'] = [];
  for (const answer of answers) {
    const key = normalizeUrl(answer.url);
    if (seen.has(key)) continue;
    seen.add(key);
    const page = pagesByUrl.get(key);
    if (!page) continue;
    competitors.push({
      url: page.url,
      title: answer.title.trim() || page.title,
      angle: answer.angle.trim(),
      headings: cleanList(answer.headings),
      wordCount: page.wordCount,
    });
  }
  return competitors;
}

function cleanList(items: readonly string[]): string[] {
  return items.map((item) => item.trim()).filter(Boolean);
}
