import type { Task } from 'graphile-worker';
import { findCurrentItem, listVariants, saveVariant } from '../db/content.ts';
import { applyPlanEvent } from '../db/plan-events.ts';
import { lockPlan, type Plan } from '../db/plans.ts';
import { listChangeRequests } from '../db/audit.ts';
import type { VariantChannelId } from '../domain/channels.ts';
import { parseChangeScope } from '../domain/plan-states.ts';
import { AppError } from '../errors.ts';
import { writeVariant } from '../orchestrator/stages/variant.ts';
import type { Repair } from '../orchestrator/citations.ts';
import type { JobDeps } from './deps.ts';
import { parsePayload, variantJobPayload } from './payloads.ts';
import { toPlanBrief, variantChannelsOf } from './pipeline.ts';
import { runStage } from './stage-runner.ts';

export type VariantStageOutput = { channel: string; content: unknown; violations: string[]; repairs: Repair[] };

/** Stage 4, one job per channel in parallel; the last one to land moves the plan to review. */
export function makeGenerateVariant(deps: JobDeps): Task {
  return async (payload, helpers) => {
    const { teamId, planId, revision, channel } = parsePayload(variantJobPayload, payload);
    await runStage<VariantStageOutput>({
      deps,
      job: helpers.job,
      teamId,
      planId,
      stage: 'variants',
      runKey: { stage: `variant:${channel}`, revision },
      execute: async (plan) => {
        const current = await findCurrentItem(deps.db, { teamId, planId });
        if (!current) throw new AppError('NOT_FOUND', 'There is no optimised draft to adapt.');
        const draft = { title: current.title, slug: current.slug, metaDescription: current.metaDescription, markdown: current.markdown };
        const { feedback, previous } = await findVariantRevisionContext(deps, plan, channel);
        const outcome = await writeVariant({ brief: toPlanBrief(plan), channel, draft, llm: deps.llm, feedback, previous });
        return { usage: outcome.usage, output: { channel, content: outcome.content, violations: outcome.violations, repairs: outcome.repairs } };
      },
      complete: async (tx, _plan, output) => {
        // The row lock serialises sibling variant jobs, so exactly one of them sees all variants.
        const plan = await lockPlan(tx, teamId, planId);
        if (!plan) return;
        await saveVariant(tx, { teamId, planId, revision, channel, content: output.content, violations: output.violations, repairs: output.repairs });
        const landed = new Set((await listVariants(tx, { teamId, planId, revision })).map((variant) => variant.channel));
        const isComplete = variantChannelsOf(plan).every((expected) => landed.has(expected));
        if (isComplete) await applyPlanEvent(tx, { teamId, planId }, { type: 'stage_succeeded', stage: 'variants' });
      },
    });
  };
}

/**
 * Feedback asked of this channel's variant in any revision, so a later rewrite keeps honouring it; and
 * when this revision was asked for this variant alone, the variant the reviewers read, to edit.
 */
async function findVariantRevisionContext(deps: JobDeps, plan: Plan, channel: VariantChannelId): Promise<{ feedback: string[]; previous: unknown }> {
  if (plan.revision === 0) return { feedback: [], previous: null };
  const requests = await listChangeRequests(deps.db, plan.teamId, plan.id);
  const feedback = requests.filter(({ scope }) => scope.kind === 'variant' && scope.channel === channel).map((request) => request.feedback);
  const scope = parseChangeScope(plan.revisionScope);
  if (scope.kind !== 'variant' || scope.channel !== channel) return { feedback, previous: null };
  const previous = (await listVariants(deps.db, { teamId: plan.teamId, planId: plan.id, revision: plan.revision - 1 })).find((variant) => variant.channel === channel);
  return { feedback, previous: previous?.content ?? null };
}
