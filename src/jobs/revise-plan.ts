import type { Task } from 'graphile-worker';
import { applyPlanEvent } from '../db/plan-events.ts';
import type { JobDeps } from './deps.ts';
import { parsePayload, revisionJobPayload } from './payloads.ts';
import { enqueueDraft, requestRender } from './queue.ts';

/**
 * After "Request changes": starts the next revision, which redrafts with the feedback,
 * re-optimises and regenerates the variants. Research is kept.
 */
export function makeRevisePlan(deps: JobDeps): Task {
  return async (payload) => {
    const { teamId, planId, revision } = parsePayload(revisionJobPayload, payload);
    await deps.db.transaction(async (tx) => {
      const moved = await applyPlanEvent(
        tx,
        { teamId, planId },
        { type: 'revision_started' },
        { revision: revision + 1, seoScore: null, initialSeoScore: null, readabilityScore: null },
      );
      if (moved.isApplied) await enqueueDraft(tx, moved.plan, deps.maxAttempts);
    });
    await requestRender(deps, teamId, planId, 0);
  };
}
