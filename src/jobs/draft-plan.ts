import type { Task } from 'graphile-worker';
import { listPlanAudit } from '../db/audit.ts';
import { addContentItem, findResearch, groundingOf, listContentItems } from '../db/content.ts';
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

export type DraftStageOutput = { draft: Draft; wordCount: number; outline: string[]; warnings: string[]; repairs: Repair[]; claims: ClaimCheck };

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
        const { feedback, previousDraft } = await findRevisionContext(deps, plan);
        const outcome = await writeDraft({ brief: toPlanBrief(plan), research, texts, llm: deps.llm, feedback, previousDraft });
        return {
          usage: outcome.usage,
          output: {
            draft: outcome.draft,
            wordCount: countWords(outcome.draft.markdown),
            outline: outcome.outline,
            warnings: outcome.warnings,
            repairs: outcome.repairs,
            claims: outcome.claims,
          },
        };
      },
      complete: async (tx, plan, output) => {
        await addContentItem(tx, { teamId, planId, revision, origin: 'draft', draft: output.draft, analysis: null, claims: output.claims, repairs: output.repairs });
        const moved = await applyPlanEvent(tx, { teamId, planId }, { type: 'stage_succeeded', stage: 'draft' });
        if (moved.isApplied) await enqueueOptimize(tx, plan, 0, deps.maxAttempts);
      },
    });
  };
}

/** For a revision: every piece of reviewer feedback so far, and the draft they reviewed. */
async function findRevisionContext(deps: JobDeps, plan: Plan): Promise<{ feedback: string[]; previousDraft: Draft | null }> {
  if (plan.revision === 0) return { feedback: [], previousDraft: null };
  const entries = await listPlanAudit(deps.db, plan.teamId, plan.id, ['changes_requested', 'brief_edited']);
  const feedback = entries
    .filter((entry) => entry.action === 'changes_requested')
    .map((entry) => String(entry.details['feedback'] ?? ''))
    .filter(Boolean);
  // A revision started by an edited brief is written afresh from the new brief, not edited from the old draft.
  const isNewBrief = entries.some((entry) => entry.action === 'brief_edited' && entry.details['revision'] === plan.revision);
  if (isNewBrief) return { feedback, previousDraft: null };
  const items = await listContentItems(deps.db, { teamId: plan.teamId, planId: plan.id, revision: plan.revision - 1 });
  const previous = items.find((item) => item.isCurrent) ?? items.at(-1);
  const previousDraft = previous
    ? { title: previous.title, slug: previous.slug, metaDescription: previous.metaDescription, markdown: previous.markdown }
    : null;
  return { feedback, previousDraft };
}
