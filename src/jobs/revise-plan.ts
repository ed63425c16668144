import type { Task } from 'graphile-worker';
import { transitionPlan } from '../db/plans.ts';
import type { JobDeps } from './deps.ts';
import { parsePayload, revisionJobPayload } from './payloads.ts';
import { enqueueDraft } from './pipeline.ts';
import { requestRender } from './render-plan-message.ts';

/**
 * After "Request changes": starts the next revision, which redrafts with the feedback,
 * re-optimises and regenerates the variants. Research is kept.
 */
export function makeRevisePlan(deps: JobDeps): Task {
  return async (payload) => {
    const { teamId, planId, revision } = parsePayload(revisionJobPayload, payload);
    await deps.db.transaction(async (tx) => {
      const plan = await transitionPlan(tx, {
        teamId,
        planId,
        from: ['changes_requested'],
        to: 'drafting',
        patch: { revision: revision + 1, seoScore: null, initialSeoScore: null, readabilityScore: null },
      });
      if (plan) await enqueueDraft(tx, plan, deps.maxAttempts);
    });
    await requestRender(deps, teamId, planId, 0);
  };
}
