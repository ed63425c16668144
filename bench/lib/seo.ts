import { createHash } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { checkClaims } from '../../src/orchestrator/claims.ts';
import type { EvidenceItem, SourceText } from '../../src/orchestrator/evidence.ts';
import { analyzeContent, type ContentAnalysisInput } from '../../src/orchestrator/seo/analyze.ts';
import type { ResearchSource } from '../../src/orchestrator/types.ts';
import { renderCitations } from '../../src/publish/citations-render.ts';
import { median } from './stats.ts';

export type DraftText = {
  title: string;
  slug: string;
  metaDescription: string;
  markdown: string;
  sources?: ResearchSource[];
  texts?: SourceText[];
  evidence?: EvidenceItem[];
};

export function textKey(draft: DraftText): string {
  return createHash('sha256').update(JSON.stringify([draft.title, draft.slug, draft.metaDescription, draft.markdown])).digest('hex');
}

/**
 * The analysis's own time for each distinct text, as the app does it: the claim check, then
 * analyzeContent on the post with its citations rendered as links; in this process, warm
 * (after `warmup` untimed rounds), the median of `runs` timed runs. Synchronous CPU work.
 */
export function timeAnalyses(
  drafts: readonly DraftText[],
  { keyphrase, keywords }: Pick<ContentAnalysisInput, 'keyphrase' | 'keywords'>,
  { warmup = 3, runs = 7 }: { warmup?: number; runs?: number } = {},
): Map<string, { ms: number; seoScore: number; title: string }> {
  const distinct = new Map(drafts.map((draft) => [textKey(draft), draft]));
  const input = (draft: DraftText): ContentAnalysisInput => ({
    title: draft.title,
    slug: draft.slug,
    metaDescription: draft.metaDescription,
    markdown: renderCitations(draft.markdown, draft.sources ?? []).markdown,
    keyphrase,
    keywords,
  });
  const analyse = (draft: DraftText) => {
    checkClaims(draft.markdown, { texts: draft.texts ?? [], evidence: draft.evidence ?? [] });
    return analyzeContent(input(draft));
  };
  for (let round = 0; round < warmup; round += 1) for (const draft of distinct.values()) analyse(draft);
  const times = new Map<string, { ms: number; seoScore: number; title: string }>();
  for (const [key, draft] of distinct) {
    const samples: number[] = [];
    let seoScore = 0;
    for (let run = 0; run < runs; run += 1) {
      const started = performance.now();
      seoScore = analyse(draft).seoScore;
      samples.push(performance.now() - started);
    }
    times.set(key, { ms: median(samples), seoScore, title: draft.title });
  }
  return times;
}
