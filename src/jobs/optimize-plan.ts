import type { Task } from 'graphile-worker';
import {
  addContentItem,
  addRefinement,
  findResearch,
  listContentItems,
  markCurrentItem,
  pickBestItem,
  researchOf,
  setItemAnalysis,
  type ContentItem,
} from '../db/content.ts';
import type { Transaction } from '../db/client.ts';
import { applyPlanEvent } from '../db/plan-events.ts';
import { updatePlanScores, type Plan } from '../db/plans.ts';
import { AppError } from '../errors.ts';
import { failedChecks, type ContentAnalysis } from '../orchestrator/seo/analyze.ts';
import { reviseDraft } from '../orchestrator/stages/revise.ts';
import type { Draft } from '../orchestrator/types.ts';
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
  analysis: ContentAnalysis;
};

/**
 * Stage 3, one job per iteration. Iteration 0 analyses the draft; each later one revises the
 * best version so far with the failed checks as instructions. The best version becomes current.
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
        if (iteration === 0) {
          const draft = items.at(-1);
          if (!draft) throw new AppError('NOT_FOUND', 'There is no draft to optimise.');
          const analysis = await deps.seo.analyze(analysisInput(plan, draft));
          return {
            usage: { inputTokens: 0, outputTokens: 0 },
            output: {
              iteration,
              scoreBefore: analysis.seoScore,
              scoreAfter: analysis.seoScore,
              readability: analysis.readabilityScore,
              instructions: [],
              done: analysis.seoScore >= settings.seoThreshold || settings.maxRefinements === 0,
              draft: null,
              analysis,
            },
          };
        }
        const best = pickBestItem(items);
        if (!best?.analysis) throw new AppError('NOT_FOUND', 'There is no analysed draft to revise.');
        const bestAnalysis = best.analysis as ContentAnalysis;
        const research = researchOf(await findResearch(deps.db, { teamId, planId }));
        const revised = await reviseDraft({
          brief: toPlanBrief(plan),
          research,
          draft: toDraft(best),
          failedChecks: failedChecks(bestAnalysis),
          llm: deps.llm,
        });
        const analysis = await deps.seo.analyze(analysisInput(plan, revised.draft));
        return {
          usage: revised.usage,
          output: {
            iteration,
            scoreBefore: bestAnalysis.seoScore,
            scoreAfter: analysis.seoScore,
            readability: analysis.readabilityScore,
            instructions: revised.instructions,
            done: analysis.seoScore >= settings.seoThreshold || iteration >= settings.maxRefinements,
            draft: revised.draft,
            analysis,
          },
        };
      },
      complete: async (tx, plan, output) => {
        const items = await listContentItems(tx, { teamId, planId, revision });
        if (output.iteration === 0) {
          const draft = items.at(-1);
          if (draft) await setItemAnalysis(tx, { teamId, itemId: draft.id, analysis: output.analysis });
          await updatePlanScores(tx, {
            teamId,
            planId,
            patch: { initialSeoScore: output.scoreBefore, seoScore: output.scoreAfter, readabilityScore: output.readability },
          });
        } else if (output.draft) {
          const best = pickBestItem(items);
          const added = await addContentItem(tx, { teamId, planId, revision, origin: 'refinement', draft: output.draft, analysis: output.analysis });
          await addRefinement(tx, {
            teamId,
            planId,
            revision,
            iteration: output.iteration,
            fromVersion: best?.version ?? 1,
            toVersion: added.version,
            scoreBefore: output.scoreBefore,
            scoreAfter: output.scoreAfter,
            instructions: output.instructions,
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
  const best = pickBestItem(items);
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

function analysisInput(plan: Plan, draft: Draft | ContentItem) {
  return {
    markdown: draft.markdown,
    keyphrase: plan.keyphrase,
    keywords: plan.keywords,
    title: draft.title,
    metaDescription: draft.metaDescription,
    slug: draft.slug,
  };
}
