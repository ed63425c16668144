import type { Task } from 'graphile-worker';
import {
  addContentItem,
  addRefinement,
  findResearch,
  groundingOf,
  listContentItems,
  markCurrentItem,
  setItemAnalysis,
} from '../db/content.ts';
import type { Transaction } from '../db/client.ts';
import { applyPlanEvent } from '../db/plan-events.ts';
import { updatePlanScores, type Plan } from '../db/plans.ts';
import { AppError } from '../errors.ts';
import { pickBestItem, runOptimizePass, type OptimizePassOutput } from '../orchestrator/stages/optimize.ts';
import type { JobDeps } from './deps.ts';
import { optimizeJobPayload, parsePayload } from './payloads.ts';
import { parsePlanSettings } from '../domain/settings.ts';
import { toPlanBrief, variantChannelsOf } from './pipeline.ts';
import { enqueueOptimize, enqueueVariants } from './queue.ts';
import { runStage } from './stage-runner.ts';

export type OptimizeStageOutput = OptimizePassOutput;

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
        const { research, texts } = groundingOf(await findResearch(deps.db, { teamId, planId }));
        return runOptimizePass({
          iteration,
          brief: toPlanBrief(plan),
          settings: parsePlanSettings(plan.settings),
          research,
          texts,
          versions: await listContentItems(deps.db, { teamId, planId, revision }),
          seo: deps.seo,
          llm: deps.llm,
        });
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
