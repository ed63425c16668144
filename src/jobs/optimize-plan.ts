import type { Task } from 'graphile-worker';
import {
  addContentItem,
  addRefinement,
  findResearch,
  groundingOf,
  listContentItems,
  markCurrentItem,
  pickBestItem,
  setItemAnalysis,
  type ContentItem,
} from '../db/content.ts';
import type { Transaction } from '../db/client.ts';
import { applyPlanEvent } from '../db/plan-events.ts';
import { updatePlanScores, type Plan } from '../db/plans.ts';
import { AppError } from '../errors.ts';
import type { Repair } from '../orchestrator/citations.ts';
import { checkClaims, findClaimRegression, type ClaimCheck } from '../orchestrator/claims.ts';
import { failedChecks, type ContentAnalysis, type ContentAnalysisInput } from '../orchestrator/seo/analyze.ts';
import { reviseDraft } from '../orchestrator/stages/revise.ts';
import type { Draft, Research } from '../orchestrator/types.ts';
import { renderCitations } from '../publish/citations-render.ts';
import type { JobDeps } from './deps.ts';
import { optimizeJobPayload, parsePayload } from './payloads.ts';
import { parsePlanSettings } from '../domain/settings.ts';
import { toPlanBrief, variantChannelsOf } from './pipeline.ts';
import { enqueueOptimize, enqueueVariants } from './queue.ts';
import { runStage } from './stage-runner.ts';

export type OptimizeStageOutput = {
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

/**
 * Stage 3, one job per pass. Pass 0 analyses the draft; each later one revises the best version so far
 * with its failed SEO and readability checks as instructions. A revision that drops a citation that
 * backed a claim, or adds unsupported figures, is rejected (a failed pass, with the reason in the
 * history). It stops when both scores meet their thresholds or the pass budget is spent; the best
 * version (pickBestItem) becomes current.
 */
export function makeOptimizePlan(deps: JobDeps): Task {
  return async (payload, helpers) => {
    const { teamId, planId, revision, iteration } = parsePayload(optimizeJobPayload, payload);
    await runStage<OptimizeStageOutput>({
      deps,
      job: helpers.job,
      teamId,
      planId,
      stage: 'optimize',
      runKey: { stage: 'optimize', revision, iteration },
      execute: async (plan) => {
        const items = await listContentItems(deps.db, { teamId, planId, revision });
        const settings = parsePlanSettings(plan.settings);
        const { research, texts } = groundingOf(await findResearch(deps.db, { teamId, planId }));
        if (iteration === 0) {
          const draft = items.at(-1);
          if (!draft) throw new AppError('NOT_FOUND', 'There is no draft to optimise.');
          const analysis = await deps.seo.analyze(analysisInput(plan, draft, research));
          return {
            usage: { inputTokens: 0, outputTokens: 0 },
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
        const best = pickBestItem(items, settings);
        if (!best?.analysis) throw new AppError('NOT_FOUND', 'There is no analysed draft to revise.');
        const bestAnalysis = best.analysis as ContentAnalysis;
        const revised = await reviseDraft({
          brief: toPlanBrief(plan),
          research,
          texts,
          draft: toDraft(best),
          failedChecks: failedChecks(bestAnalysis),
          llm: deps.llm,
        });
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
        const analysis = await deps.seo.analyze(analysisInput(plan, revised.draft, research));
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
      },
      complete: async (tx, plan, output) => {
        const items = await listContentItems(tx, { teamId, planId, revision });
        if (output.iteration === 0 && output.analysis) {
          const draft = items.at(-1);
          if (draft) await setItemAnalysis(tx, { teamId, itemId: draft.id, analysis: output.analysis });
          await updatePlanScores(tx, {
            teamId,
            planId,
            patch: { initialSeoScore: output.scoreBefore, seoScore: output.scoreAfter, readabilityScore: output.readability },
          });
        } else if (output.iteration > 0) {
          const best = pickBestItem(items, parsePlanSettings(plan.settings));
          const added =
            output.draft && output.analysis
              ? await addContentItem(tx, {
                  teamId,
                  planId,
                  revision,
                  origin: 'refinement',
                  draft: output.draft,
                  analysis: output.analysis,
                  claims: output.claims ?? null,
                  repairs: output.repairs ?? [],
                })
              : undefined;
          await addRefinement(tx, {
            teamId,
            planId,
            revision,
            iteration: output.iteration,
            fromVersion: best?.version ?? 1,
            toVersion: added?.version ?? best?.version ?? 1,
            scoreBefore: output.scoreBefore,
            scoreAfter: output.scoreAfter,
            instructions: output.instructions,
            rejectedReason: output.rejected ?? null,
          });
        }
        if (output.done) await finishOptimizing(tx, deps, plan);
        else await enqueueOptimize(tx, plan, output.iteration + 1, deps.maxAttempts);
      },
    });
  };
}

async function finishOptimizing(tx: Transaction, deps: JobDeps, plan: Plan): Promise<void> {
  const items = await listContentItems(tx, { teamId: plan.teamId, planId: plan.id, revision: plan.revision });
  const best = pickBestItem(items, parsePlanSettings(plan.settings));
  if (!best) throw new AppError('NOT_FOUND', 'There is no draft to keep.');
  await markCurrentItem(tx, { teamId: plan.teamId, planId: plan.id, itemId: best.id });
  const channels = variantChannelsOf(plan);
  const moved = await applyPlanEvent(
    tx,
    { teamId: plan.teamId, planId: plan.id },
    { type: 'stage_succeeded', stage: 'optimize', hasVariants: channels.length > 0 },
    { seoScore: best.seoScore, readabilityScore: best.readabilityScore },
  );
  if (moved.isApplied && channels.length > 0) await enqueueVariants(tx, plan, channels, deps.maxAttempts);
}

function toDraft(item: ContentItem): Draft {
  return { title: item.title, slug: item.slug, metaDescription: item.metaDescription, markdown: item.markdown };
}

function meetsThresholds(analysis: ContentAnalysis, thresholds: { seoThreshold: number; readabilityThreshold: number }): boolean {
  return analysis.seoScore >= thresholds.seoThreshold && analysis.readabilityScore >= thresholds.readabilityThreshold;
}

/** What Yoast analyses: the post as it will be published, citations rendered as links with the Sources list. */
function analysisInput(plan: Plan, draft: Draft | ContentItem, research: Research | null): ContentAnalysisInput {
  return {
    markdown: renderCitations(draft.markdown, research?.sources ?? []).markdown,
    keyphrase: plan.keyphrase,
    keywords: plan.keywords,
    title: draft.title,
    metaDescription: draft.metaDescription,
    slug: draft.slug,
  };
}
