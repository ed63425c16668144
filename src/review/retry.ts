import { recordAudit } from '../db/audit.ts';
import type { Database } from '../db/client.ts';
import { listVariants } from '../db/content.ts';
import { applyPlanEvent } from '../db/plan-events.ts';
import { lockPlan, type Plan } from '../db/plans.ts';
import { listStageRuns } from '../db/stage-runs.ts';
import { listPublishAttempts, resetFailedAttempt, resetFailedAttempts } from '../db/publish-attempts.ts';
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
    await recordAudit(tx, { teamId, planId, actorId, action: 'plan_retried', details: { stage } });
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
        // Delivered destinations find their attempt delivered and only settle the plan.
        return void (await enqueuePublish(tx, plan, plan.publishDestinations.map((key) => ({ key })), maxAttempts));
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

/**
 * A failed destination's own Retry: it goes again now, with the same idempotency key, while the
 * others keep what they have. A partly published or failed plan is publishing again until it settles.
 */
export async function retryDestination(
  db: Database,
  { teamId, planId, destinationKey, actorId, maxAttempts }: { teamId: string; planId: string; destinationKey: string; actorId: string; maxAttempts: number },
): Promise<{ plan: Plan; name: string }> {
  return db.transaction(async (tx) => {
    const plan = await lockPlan(tx, teamId, planId);
    if (!plan) throw new AppError('NOT_FOUND', 'That plan no longer exists in this workspace.');
    const ref = { teamId, planId, revision: plan.revision, destinationKey };
    const attempt = (await listPublishAttempts(tx, ref)).find((row) => row.destinationKey === destinationKey);
    const isRetryable = plan.status === 'publishing' || plan.status === 'partially_published' || (plan.status === 'failed' && plan.failedStage === 'publish');
    if (!attempt || attempt.state !== 'failed' || !isRetryable) {
      throw new AppError('CONFLICT', `${attempt?.destinationName ?? 'That destination'} has not failed on plan #${plan.number}, so there is nothing to retry.`);
    }
    let current = plan;
    if (plan.status !== 'publishing') {
      const moved = await applyPlanEvent(tx, { teamId, planId }, { type: 'retried', stage: 'publish' });
      if (!moved.isApplied) throw new AppError('CONFLICT', moved.message);
      current = moved.plan;
    }
    await resetFailedAttempt(tx, ref);
    await enqueuePublish(tx, plan, [{ key: destinationKey }], maxAttempts);
    await recordAudit(tx, { teamId, planId, actorId, action: 'destination_retried', details: { destination: destinationKey, name: attempt.destinationName } });
    return { plan: current, name: attempt.destinationName };
  });
}
