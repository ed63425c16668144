import type { Database } from '../db/client.ts';
import { listVariants } from '../db/content.ts';
import { applyPlanEvent } from '../db/plan-events.ts';
import type { Plan } from '../db/plans.ts';
import { auditLog } from '../db/schema.ts';
import { listStageRuns } from '../db/stage-runs.ts';
import { resetFailedAttempts } from '../db/publish-attempts.ts';
import type { FailedStage } from '../domain/plan-states.ts';
import { AppError } from '../errors.ts';
import { variantChannelsOf } from '../jobs/pipeline.ts';
import { enqueueDraft, enqueueOptimize, enqueuePublish, enqueueResearch, enqueueVariants } from '../jobs/queue.ts';

/**
 * Re-runs only the failed stage and what follows it: finished stages, optimisation
 * iterations and variants are kept and not paid for again.
 */
export async function retryFailedPlan(
  db: Database,
  { plan, actorId, maxAttempts, retryKey }: { plan: Plan; actorId: string; maxAttempts: number; retryKey: number },
): Promise<FailedStage> {
  const stage = plan.failedStage ?? 'research';
  const { teamId, id: planId } = plan;
  const runs = await listStageRuns(db, teamId, planId);
  await db.transaction(async (tx) => {
    const moved = await applyPlanEvent(tx, { teamId, planId }, { type: 'retried', stage });
    if (!moved.isApplied) {
      const message = moved.from === null ? moved.message : `Plan #${plan.number} is not failed, so there is nothing to retry.`;
      throw new AppError('CONFLICT', message);
    }
    await tx.insert(auditLog).values({ teamId, planId, actorId, action: 'plan_retried', details: { stage } });
    switch (stage) {
      case 'research':
        return void (await enqueueResearch(tx, plan, maxAttempts, retryKey));
      case 'draft':
        return void (await enqueueDraft(tx, plan, maxAttempts, retryKey));
      case 'optimize': {
        const done = runs.filter((run) => run.stage === 'optimize' && run.revision === plan.revision && run.status === 'succeeded');
        const next = done.length === 0 ? 0 : Math.max(...done.map((run) => run.iteration)) + 1;
        return void (await enqueueOptimize(tx, plan, next, maxAttempts, retryKey));
      }
      case 'publish':
        await resetFailedAttempts(tx, { teamId, planId, revision: plan.revision });
        return void (await enqueuePublish(tx, plan, undefined, maxAttempts));
      case 'variants': {
        const landed = new Set((await listVariants(tx, { teamId, planId, revision: plan.revision })).map((variant) => variant.channel));
        const missing = variantChannelsOf(plan).filter((channel) => !landed.has(channel));
        if (missing.length === 0) {
          await applyPlanEvent(tx, { teamId, planId }, { type: 'stage_succeeded', stage: 'variants' });
          return;
        }
        return void (await enqueueVariants(tx, plan, missing, maxAttempts, retryKey));
      }
    }
  });
  return stage;
}
