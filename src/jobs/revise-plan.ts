import type { Task } from 'graphile-worker';
import { carryContentForward } from '../db/content.ts';
import { applyPlanEvent } from '../db/plan-events.ts';
import type { JobDeps } from './deps.ts';
import { parsePayload, reviseJobPayload } from './payloads.ts';
import { variantChannelsOf } from './pipeline.ts';
import { enqueueDraft, enqueueVariants, requestRender } from './queue.ts';

/**
 * After "Request changes": starts the next revision where its scope says (the kernel decides). The
 * whole plan and the blog post are redrafted with the feedback, re-optimised and their variants
 * written again; a variant scope writes that one variant again and keeps everything else. Research
 * is always kept.
 */
export function makeRevisePlan(deps: JobDeps): Task {
  return async (payload) => {
    const { teamId, planId, revision, scope } = parsePayload(reviseJobPayload, payload);
    const next = revision + 1;
    const isVariantOnly = scope.kind === 'variant';
    await deps.db.transaction(async (tx) => {
      const moved = await applyPlanEvent(
        tx,
        { teamId, planId },
        { type: 'revision_started', scope },
        // A variant-only revision keeps the post, so its scores stand.
        isVariantOnly ? { revision: next, revisionScope: scope } : { revision: next, revisionScope: scope, seoScore: null, initialSeoScore: null, readabilityScore: null },
      );
      if (!moved.isApplied) return;
      if (scope.kind === 'variant') {
        const kept = variantChannelsOf(moved.plan).filter((channel) => channel !== scope.channel);
        await carryContentForward(tx, { teamId, planId, fromRevision: revision, toRevision: next, channels: kept });
        await enqueueVariants(tx, moved.plan, [scope.channel], deps.maxAttempts);
        return;
      }
      await enqueueDraft(tx, moved.plan, deps.maxAttempts);
    });
    await requestRender(deps, teamId, planId, 0);
  };
}
