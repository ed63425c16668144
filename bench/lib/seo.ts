import { createHash } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { analyzeContent, type ContentAnalysisInput } from '../../src/orchestrator/seo/analyze.ts';
import { median } from './stats.ts';

export type DraftText = { title: string; slug: string; metaDescription: string; markdown: string };

export function textKey(draft: DraftText): string {
  return createHash('sha256').update(JSON.stringify([draft.title, draft.slug, draft.metaDescription, draft.markdown])).digest('hex');
}

/**
 * The SEO analysis's own time for each distinct text: analyzeContent in this process, warm
 * (after `warmup` untimed rounds), the median of `runs` timed runs. Synchronous CPU work.
 */
export function timeAnalyses(
  drafts: readonly DraftText[],
  { keyphrase, keywords }: Pick<ContentAnalysisInput, 'keyphrase' | 'keywords'>,
  { warmup = 3, runs = 7 }: { warmup?: number; runs?: number } = {},
): Map<string, { ms: number; seoScore: number; title: string }> {
  const distinct = new Map(drafts.map((draft) => [textKey(draft), draft]));
  const input = (draft: DraftText): ContentAnalysisInput => ({ ...draft, keyphrase, keywords });
  for (let round = 0; round < warmup; round += 1) for (const draft of distinct.values()) analyzeContent(input(draft));
  const times = new Map<string, { ms: number; seoScore: number; title: string }>();
  for (const [key, draft] of distinct) {
    const samples: number[] = [];
    let seoScore = 0;
    for (let run = 0; run < runs; run += 1) {
      const started = performance.now();
      seoScore = analyzeContent(input(draft)).seoScore;
      samples.push(performance.now() - started);
    }
    times.set(key, { ms: median(samples), seoScore, title: draft.title });
  }
  return times;
}
