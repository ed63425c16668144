import { AppError } from '../../errors.ts';
import { renderCitations } from '../../publish/citations-render.ts';
import type { Repair } from '../citations.ts';
import { checkClaims, findClaimRegression, type ClaimCheck } from '../claims.ts';
import type { SourceText } from '../evidence.ts';
import type { LlmGateway, LlmUsage } from '../llm.ts';
// Types only: yoastseo loads in the SEO pool's workers, not in the process that runs the stages.
import type { ContentAnalysis, ContentAnalysisInput, ContentCheck } from '../seo/analyze.ts';
import type { SeoPool } from '../seo/pool.ts';
import { NO_USAGE, type Draft, type PlanBrief, type Research } from '../types.ts';
import { reviseDraft } from './revise.ts';

export type QualityThresholds = { seoThreshold: number; readabilityThreshold: number };
export type OptimizeSettings = QualityThresholds & { maxRefinements: number };

/** A version of the post as the optimiser ranks it: a stored content item, or one held in memory. */
export type RankedVersion = Draft & {
  seoScore: number | null;
  readabilityScore: number | null;
  analysis: unknown;
  claims: ClaimCheck | null;
};

export type OptimizePassOutput = {
  iteration: number;
  scoreBefore: number;
  scoreAfter: number;
  readability: number;
  instructions: string[];
  done: boolean;
  draft: Draft | null;
  analysis: ContentAnalysis | null;
  claims?: ClaimCheck;
  repairs?: Repair[];
  /** Why this pass's revision was not kept; the best version so far stays. */
  rejected?: string;
};

export type OptimizePassOptions = {
  iteration: number;
  brief: PlanBrief;
  settings: OptimizeSettings;
  research: Research | null;
  texts: readonly SourceText[];
  /** The versions of this revision so far, oldest first; pass 0 analyses the last one. */
  versions: readonly RankedVersion[];
  seo: Pick<SeoPool, 'analyze'>;
  llm: LlmGateway;
};

/**
 * One optimisation pass. Pass 0 analyses the draft; each later one revises the best version so far
 * with its failed SEO and readability checks as instructions. A revision that drops a citation that
 * backed a claim, or adds unsupported figures, is rejected (the reason is returned). `done` says the
 * optimiser should stop: both scores meet their thresholds or the pass budget is spent.
 */
export async function runOptimizePass({
  iteration,
  brief,
  settings,
  research,
  texts,
  versions,
  seo,
  llm,
}: OptimizePassOptions): Promise<{ output: OptimizePassOutput; usage: LlmUsage }> {
  if (iteration === 0) {
    const draft = versions.at(-1);
    if (!draft) throw new AppError('NOT_FOUND', 'There is no draft to optimise.');
    const analysis = await seo.analyze(analysisInput(brief, draft, research));
    return {
      usage: NO_USAGE,
      output: {
        iteration,
        scoreBefore: analysis.seoScore,
        scoreAfter: analysis.seoScore,
        readability: analysis.readabilityScore,
        instructions: [],
        done: meetsThresholds(analysis, settings) || settings.maxRefinements === 0,
        draft: null,
        analysis,
      },
    };
  }
  const best = pickBestItem(versions, settings);
  if (!best?.analysis) throw new AppError('NOT_FOUND', 'There is no analysed draft to revise.');
  const bestAnalysis = best.analysis as ContentAnalysis;
  const revised = await reviseDraft({ brief, research, texts, draft: toDraft(best), failedChecks: failedChecks(bestAnalysis), llm });
  const bestClaims = best.claims ?? checkClaims(best.markdown, { texts, evidence: research?.evidence ?? [] });
  const rejected = revised.rejected ?? findClaimRegression(bestClaims, revised.claims, revised.draft.markdown);
  const isLastPass = iteration >= settings.maxRefinements;
  if (rejected) {
    return {
      usage: revised.usage,
      output: {
        iteration,
        scoreBefore: bestAnalysis.seoScore,
        scoreAfter: bestAnalysis.seoScore,
        readability: bestAnalysis.readabilityScore,
        instructions: revised.instructions,
        done: isLastPass,
        draft: null,
        analysis: null,
        rejected,
      },
    };
  }
  const analysis = await seo.analyze(analysisInput(brief, revised.draft, research));
  return {
    usage: revised.usage,
    output: {
      iteration,
      scoreBefore: bestAnalysis.seoScore,
      scoreAfter: analysis.seoScore,
      readability: analysis.readabilityScore,
      instructions: revised.instructions,
      done: meetsThresholds(analysis, settings) || isLastPass,
      draft: revised.draft,
      analysis,
      claims: revised.claims,
      repairs: revised.repairs,
    },
  };
}

/**
 * The best version so far, ranked by: meets both thresholds, then SEO score, then readability score,
 * then fewer unsupported claims; on a full tie the earlier one, which needed fewer changes.
 */
export function pickBestItem<T extends RankedVersion>(items: readonly T[], thresholds: QualityThresholds): T | undefined {
  const rank = (item: T): number[] => {
    const seo = item.seoScore ?? -1;
    const readability = item.readabilityScore ?? -1;
    const meetsBoth = seo >= thresholds.seoThreshold && readability >= thresholds.readabilityThreshold;
    return [meetsBoth ? 1 : 0, seo, readability, -(item.claims?.unsupported.length ?? 0)];
  };
  const isBetter = (a: number[], b: number[]) => {
    for (let index = 0; index < a.length; index += 1) if (a[index] !== b[index]) return (a[index] ?? 0) > (b[index] ?? 0);
    return false;
  };
  return items.reduce<T | undefined>((best, item) => (!best || isBetter(rank(item), rank(best)) ? item : best), undefined);
}

/** The checks to fix in a revision, the bad ones first. */
export function failedChecks(analysis: ContentAnalysis): ContentCheck[] {
  const bad = analysis.checks.filter((check) => check.rating === 'bad');
  const ok = analysis.checks.filter((check) => check.rating === 'ok');
  return [...bad, ...ok];
}

export function meetsThresholds(analysis: ContentAnalysis, thresholds: QualityThresholds): boolean {
  return analysis.seoScore >= thresholds.seoThreshold && analysis.readabilityScore >= thresholds.readabilityThreshold;
}

function toDraft(item: Draft): Draft {
  return { title: item.title, slug: item.slug, metaDescription: item.metaDescription, markdown: item.markdown };
}

/** What Yoast analyses: the post as it will be published, citations rendered as links with the Sources list. */
export function analysisInput(brief: Pick<PlanBrief, 'keyphrase' | 'keywords'>, draft: Draft, research: Research | null): ContentAnalysisInput {
  return {
    markdown: renderCitations(draft.markdown, research?.sources ?? []).markdown,
    keyphrase: brief.keyphrase,
    keywords: brief.keywords,
    title: draft.title,
    metaDescription: draft.metaDescription,
    slug: draft.slug,
  };
}
