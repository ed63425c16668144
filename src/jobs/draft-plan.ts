import type { Task } from 'graphile-worker';
import { listChangeRequests, listPlanAudit } from '../db/audit.ts';
import { addContentItem, findResearch, groundingOf, listContentItems } from '../db/content.ts';
import { findLatestStageOutput } from '../db/stage-runs.ts';
import { parseChangeScope } from '../domain/plan-states.ts';
import { applyPlanEvent } from '../db/plan-events.ts';
import type { Plan } from '../db/plans.ts';
import type { Repair } from '../orchestrator/citations.ts';
import type { ClaimCheck } from '../orchestrator/claims.ts';
import { writeDraft } from '../orchestrator/stages/draft.ts';
import type { Draft } from '../orchestrator/types.ts';
import type { JobDeps } from './deps.ts';
import { parsePayload, revisionJobPayload } from './payloads.ts';
import { toPlanBrief } from './pipeline.ts';
import { enqueueOptimize } from './queue.ts';
import { runStage } from './stage-runner.ts';
import { countWords } from '../orchestrator/text.ts';

export type DraftStageOutput = { draft: Draft; takeaway?: string | null; wordCount: number; outline: string[]; warnings: string[]; repairs: Repair[]; claims: ClaimCheck };

/** Stage 2: an outline, then the post in Markdown with citations to research sources only, repaired and claim-checked. */
export function makeDraftPlan(deps: JobDeps): Task {
  return async (payload, helpers) => {
    const { teamId, planId, revision } = parsePayload(revisionJobPayload, payload);
    await runStage<DraftStageOutput>({
      deps,
      job: helpers.job,
      teamId,
      planId,
      stage: 'draft',
      runKey: { stage: 'draft', revision },
      execute: async (plan) => {
        const { research, texts } = groundingOf(await findResearch(deps.db, { teamId, planId }));
        const { feedback, previousDraft, keptOutline } = await findRevisionContext(deps, plan);
        const outcome = await writeDraft({ brief: toPlanBrief(plan), research, texts, llm: deps.llm, feedback, previousDraft, keptOutline });
        return {
          usage: outcome.usage,
          output: {
            draft: outcome.draft,
            takeaway: outcome.takeaway,
            wordCount: countWords(outcome.draft.markdown),
            outline: outcome.outline,
            warnings: outcome.warnings,
            repairs: outcome.repairs,
            claims: outcome.claims,
          },
        };
      },
      complete: async (tx, plan, output) => {
        await addContentItem(tx, { teamId, planId, revision, origin: 'draft', draft: output.draft, takeaway: output.takeaway ?? null, analysis: null, claims: output.claims, repairs: output.repairs });
        const moved = await applyPlanEvent(tx, { teamId, planId }, { type: 'stage_succeeded', stage: 'draft' });
        if (moved.isApplied) await enqueueOptimize(tx, plan, 0, deps.maxAttempts);
      },
    });
  };
}

/**
 * For a revision: the feedback on the post so far (not that asked of a single variant), the draft
 * the reviewers read, and, when only the blog post was to change, the outline it was written to.
 */
async function findRevisionContext(
  deps: JobDeps,
  plan: Plan,
): Promise<{ feedback: string[]; previousDraft: Draft | null; keptOutline: string[] | null }> {
  if (plan.revision === 0) return { feedback: [], previousDraft: null, keptOutline: null };
  const requests = await listChangeRequests(deps.db, plan.teamId, plan.id);
  const feedback = requests.filter((request) => request.scope.kind !== 'variant').map((request) => request.feedback);
  // A revision started by an edited brief is written afresh from the new brief, not edited from the old draft.
  const briefEdits = await listPlanAudit(deps.db, plan.teamId, plan.id, ['brief_edited']);
  if (briefEdits.some((entry) => entry.details['revision'] === plan.revision)) return { feedback, previousDraft: null, keptOutline: null };
  const items = await listContentItems(deps.db, { teamId: plan.teamId, planId: plan.id, revision: plan.revision - 1 });
  const previous = items.find((item) => item.isCurrent) ?? items.at(-1);
  const previousDraft = previous
    ? { title: previous.title, slug: previous.slug, metaDescription: previous.metaDescription, markdown: previous.markdown }
    : null;
  const scope = parseChangeScope(plan.revisionScope);
  const keptOutline = scope.kind === 'blog' ? await findLastOutline(deps, plan) : null;
  return { feedback, previousDraft, keptOutline };
}

async function findLastOutline(deps: JobDeps, plan: Plan): Promise<string[] | null> {
  const output = await findLatestStageOutput(deps.db, { teamId: plan.teamId, planId: plan.id, stage: 'draft', beforeRevision: plan.revision });
  const outline = (output as Partial<DraftStageOutput> | undefined)?.outline;
  return Array.isArray(outline) && outline.length > 0 ? outline.filter((heading): heading is string => typeof heading === 'string') : null;
}
