import type { Database, Executor } from '../db/client.ts';
import { recordAudit } from '../db/audit.ts';
import { carryContentForward, listVariants } from '../db/content.ts';
import { applyPlanEvent } from '../db/plan-events.ts';
import { lockPlan, markPlanDeleted, type Plan } from '../db/plans.ts';
import { canEditBrief, planBriefEdit, restartStageOf, type BriefEdit, type BriefField, type BriefFields } from '../domain/brief-edit.ts';
import { STATUS_LABELS, nextPlanStatus, type Stage } from '../domain/plan-states.ts';
import { AppError } from '../errors.ts';
import { variantChannelsOf } from '../jobs/pipeline.ts';
import { enqueueDraft, enqueueResearch, enqueueVariants, removePendingJobsOfPlan } from '../jobs/queue.ts';

type ManageInput = { db: Database; teamId: string; planId: string; actorId: string };

export type BriefEditOutcome = { plan: Plan; previous: Plan; edit: BriefEdit; restartAt: Stage | null };

/** The brief as the plan holds it, for comparing with an edited one. */
export function briefFieldsOf(plan: Plan): BriefFields {
  return {
    topic: plan.topic,
    keyphrase: plan.keyphrase,
    keywords: plan.keywords,
    competitorUrls: plan.competitorUrls,
    skipResearch: plan.skipResearch,
    tone: plan.tone,
    audience: plan.audience,
    brief: plan.brief,
    channels: plan.channels,
    postChannelId: plan.postChannelId,
  };
}

/**
 * Saves an edited brief with the plan locked. A content change starts a new revision (approvals of
 * the earlier one no longer count) that runs again from the first stage whose inputs changed: the
 * pending jobs of the old revision are removed, and what the new one keeps (the draft, the variants
 * of kept channels) is carried into it. Moving the message to the new channel is the caller's.
 */
export async function editPlanBrief({ db, teamId, planId, actorId, fields, maxAttempts }: ManageInput & { fields: BriefFields; maxAttempts: number }): Promise<BriefEditOutcome> {
  return db.transaction(async (tx) => {
    const previous = await lockOrFail(tx, teamId, planId);
    if (previous.deletedAt) throw new AppError('NOT_FOUND', 'That plan no longer exists in this workspace.');
    if (!canEditBrief(previous)) {
      throw new AppError('CONFLICT', `Plan #${previous.number} is ${describeState(previous)}, so its brief can no longer be edited.`);
    }
    const edit = planBriefEdit(briefFieldsOf(previous), fields);
    // The channel changes once the message is posted there (movePlanRootMessage).
    const { postChannelId: _moveTo, ...content } = fields;
    const fieldPatch = { ...content, keywords: [...content.keywords], competitorUrls: [...content.competitorUrls], channels: [...content.channels] };
    const details = { changed: edit.changed, before: pick(briefFieldsOf(previous), edit.changed), after: pick(fields, edit.changed) };
    if (!edit.isNewRevision) {
      // Only the channel changed (or nothing): the content and its approvals stand.
      if (edit.changed.length > 0) {
        await recordAudit(tx, { teamId, planId, actorId, action: 'brief_edited', details: { ...details, revision: previous.revision, restartAt: null } });
      }
      return { plan: previous, previous, edit, restartAt: null };
    }

    const restartAt = restartStageOf(edit, previous);
    const revision = previous.revision + 1;
    const isRewritten = restartAt === 'research' || restartAt === 'draft';
    await removePendingJobsOfPlan(tx, { teamId, planId });
    const moved = await applyPlanEvent(
      tx,
      { teamId, planId },
      { type: 'brief_edited', restartAt },
      // A brief edit is not a change request: the scope a Request changes gave the last revision no longer applies.
      { ...fieldPatch, revision, revisionScope: null, ...(isRewritten ? { seoScore: null, initialSeoScore: null, readabilityScore: null } : {}) },
    );
    if (!moved.isApplied) throw new AppError('CONFLICT', moved.message);
    const plan = moved.plan;
    await recordAudit(tx, { teamId, planId, actorId, action: 'brief_edited', details: { ...details, revision, restartAt } });

    if (restartAt === 'research') await enqueueResearch(tx, plan, maxAttempts);
    else if (restartAt === 'draft') await enqueueDraft(tx, plan, maxAttempts);
    else {
      const kept = variantChannelsOf(plan).filter((channel) => !edit.addedVariants.includes(channel));
      await carryContentForward(tx, { teamId, planId, fromRevision: previous.revision, toRevision: revision, channels: kept });
      if (restartAt === 'variants') await startMissingVariants(tx, plan, maxAttempts);
    }
    return { plan, previous, edit, restartAt };
  });
}

/** Writes the variants the new revision lacks; with none missing the plan goes to review. */
async function startMissingVariants(tx: Executor, plan: Plan, maxAttempts: number): Promise<void> {
  const landed = new Set((await listVariants(tx, { teamId: plan.teamId, planId: plan.id, revision: plan.revision })).map((variant) => variant.channel));
  const missing = variantChannelsOf(plan).filter((channel) => !landed.has(channel));
  if (missing.length > 0) await enqueueVariants(tx, plan, missing, maxAttempts);
  else await applyPlanEvent(tx, { teamId: plan.teamId, planId: plan.id }, { type: 'stage_succeeded', stage: 'variants' });
}

/** Stops a plan: its status becomes cancelled and its pending jobs are removed. Returns the plan and how many jobs went. */
export async function cancelPlan({ db, teamId, planId, actorId }: ManageInput): Promise<{ plan: Plan; removedJobs: number }> {
  return db.transaction(async (tx) => {
    const current = await lockOrFail(tx, teamId, planId);
    if (current.deletedAt) throw new AppError('NOT_FOUND', 'That plan no longer exists in this workspace.');
    const moved = await applyPlanEvent(tx, { teamId, planId }, { type: 'cancelled' });
    if (!moved.isApplied) throw new AppError('CONFLICT', `Plan #${current.number} is ${describeState(current)}, so it cannot be cancelled.`);
    const removedJobs = await removePendingJobsOfPlan(tx, { teamId, planId });
    await recordAudit(tx, { teamId, planId, actorId, action: 'plan_cancelled', details: { from: current.status, removedJobs } });
    return { plan: moved.plan, removedJobs };
  });
}

/**
 * Deletes a plan: it is cancelled first when it can still run, then hidden from every list. Its rows
 * and audit log are kept. A plan being published cannot be deleted until publishing ends.
 */
export async function deletePlan({ db, teamId, planId, actorId, now }: ManageInput & { now: Date }): Promise<Plan> {
  return db.transaction(async (tx) => {
    const current = await lockOrFail(tx, teamId, planId);
    if (current.deletedAt) throw new AppError('NOT_FOUND', `Plan #${current.number} was already deleted.`);
    if (current.status === 'publishing' || current.status === 'partially_published') {
      throw new AppError('CONFLICT', `Plan #${current.number} is being published; delete it once publishing ends.`);
    }
    if (nextPlanStatus(current.status, { type: 'cancelled' }) !== null) {
      await applyPlanEvent(tx, { teamId, planId }, { type: 'cancelled' });
    }
    await removePendingJobsOfPlan(tx, { teamId, planId });
    await markPlanDeleted(tx, { teamId, planId, now });
    await recordAudit(tx, { teamId, planId, actorId, action: 'plan_deleted', details: { status: current.status } });
    const deleted = await lockOrFail(tx, teamId, planId);
    return deleted;
  });
}

async function lockOrFail(tx: Executor, teamId: string, planId: string): Promise<Plan> {
  const plan = await lockPlan(tx, teamId, planId);
  if (!plan) throw new AppError('NOT_FOUND', 'That plan no longer exists in this workspace.');
  return plan;
}

function describeState(plan: Plan): string {
  if (plan.approvedAt !== null && plan.status !== 'published') return `${STATUS_LABELS[plan.status].toLowerCase()} (approved)`;
  return STATUS_LABELS[plan.status].toLowerCase();
}

function pick(fields: BriefFields, keys: readonly BriefField[]): Partial<Record<BriefField, unknown>> {
  return Object.fromEntries(keys.map((key) => [key, fields[key]]));
}
