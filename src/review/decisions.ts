import { sql } from 'drizzle-orm';
import type { Database, Executor } from '../db/client.ts';
import { addApproval, listApprovals } from '../db/approvals.ts';
import { recordAudit } from '../db/audit.ts';
import { addJobSql } from '../db/jobs-sql.ts';
import { lockPlan, transitionPlan, type Plan } from '../db/plans.ts';
import { AppError } from '../errors.ts';
import { nextPlanStatus, STATUS_LABELS, type PlanEvent, type PlanStatus } from '../orchestrator/plan-status.ts';
import { reviewPolicyOf } from './policy.ts';

type DecisionInput = { db: Database; teamId: string; planId: string; userId: string };

export const PUBLISH_TASK = 'publish_plan';
export const REVISE_TASK = 'revise_plan';

export function publishJobKey(planId: string): string {
  return `plan:${planId}:publish`;
}

/**
 * Runs a decision in one transaction with the plan row locked, so double clicks and racing
 * approvers apply it once. Throws CONFLICT with a sentence when the plan's state does not allow it.
 */
async function decide<T>(
  { db, teamId, planId }: DecisionInput,
  event: PlanEvent,
  apply: (tx: Executor, plan: Plan, to: PlanStatus) => Promise<T>,
): Promise<T> {
  return db.transaction(async (tx) => {
    const plan = await lockPlan(tx, teamId, planId);
    if (!plan) throw new AppError('NOT_FOUND', 'That plan no longer exists in this workspace.');
    const to = nextPlanStatus(plan.status, event);
    if (!to) {
      throw new AppError('CONFLICT', `Plan #${plan.number} is ${STATUS_LABELS[plan.status].toLowerCase()}, so that is no longer possible.`);
    }
    return apply(tx, plan, to);
  });
}

export type ApprovalOutcome = { plan: Plan; isApproved: boolean; approvals: number; required: number; isNewApproval: boolean };

/** Adds the person's approval; the plan is approved once it has as many as the policy requires. */
export async function approvePlan(input: DecisionInput & { now: Date }): Promise<ApprovalOutcome> {
  return decide(input, { type: 'approve' }, (tx, plan, to) => addApprovalAndMaybeApprove(tx, plan, to, input.userId, input.now));
}

async function addApprovalAndMaybeApprove(tx: Executor, plan: Plan, to: PlanStatus, userId: string, now: Date): Promise<ApprovalOutcome> {
  if (plan.approvedAt) throw new AppError('CONFLICT', `Plan #${plan.number} is already approved.`);
  const ref = { teamId: plan.teamId, planId: plan.id, revision: plan.revision };
  const isNewApproval = await addApproval(tx, { ...ref, approverId: userId });
  const approvals = (await listApprovals(tx, ref)).length;
  const { requiredApprovals } = reviewPolicyOf(plan);
  if (isNewApproval) await recordAudit(tx, { teamId: plan.teamId, planId: plan.id, actorId: userId, action: 'approved', details: { revision: plan.revision } });
  if (approvals < requiredApprovals) return { plan, isApproved: false, approvals, required: requiredApprovals, isNewApproval };
  const approved = await transitionPlan(tx, { teamId: plan.teamId, planId: plan.id, from: [plan.status], to, patch: { approvedAt: now } });
  return { plan: approved ?? plan, isApproved: true, approvals, required: requiredApprovals, isNewApproval };
}

export async function requestChanges(input: DecisionInput & { feedback: string; maxAttempts: number }): Promise<Plan> {
  return decide(input, { type: 'request_changes' }, async (tx, plan, to) => {
    const moved = await transitionPlan(tx, {
      teamId: plan.teamId,
      planId: plan.id,
      from: [plan.status],
      to,
      patch: { approvedAt: null, scheduledAt: null },
    });
    await removeJob(tx, publishJobKey(plan.id));
    await recordAudit(tx, {
      teamId: plan.teamId,
      planId: plan.id,
      actorId: input.userId,
      action: 'changes_requested',
      details: { feedback: input.feedback, revision: plan.revision },
    });
    await tx.execute(
      addJobSql(REVISE_TASK, { teamId: plan.teamId, planId: plan.id, revision: plan.revision }, {
        jobKey: `plan:${plan.id}:revise:${plan.revision}`,
        maxAttempts: input.maxAttempts,
      }),
    );
    return moved ?? plan;
  });
}

export async function rejectPlan(input: DecisionInput & { reason: string }): Promise<Plan> {
  return decide(input, { type: 'reject' }, async (tx, plan, to) => {
    const moved = await transitionPlan(tx, { teamId: plan.teamId, planId: plan.id, from: [plan.status], to, patch: { scheduledAt: null } });
    await removeJob(tx, publishJobKey(plan.id));
    await recordAudit(tx, { teamId: plan.teamId, planId: plan.id, actorId: input.userId, action: 'rejected', details: { reason: input.reason } });
    return moved ?? plan;
  });
}

export type ScheduleOutcome = { plan: Plan; approval: ApprovalOutcome | null };

/**
 * Sets the publish time and destinations. From review, the scheduler's approval is added in the
 * same step ("Approve & schedule"); if more approvals are needed the plan waits, scheduled,
 * and expires when its time comes unapproved.
 */
export async function schedulePlan(
  input: DecisionInput & { at: Date; destinations: string[]; now: Date; maxAttempts: number },
): Promise<ScheduleOutcome> {
  return decide(input, { type: 'schedule' }, async (tx, plan, to) => {
    const approval = plan.status === 'in_review' ? await addApprovalAndMaybeApprove(tx, plan, 'approved', input.userId, input.now) : null;
    const approvedAt = approval ? (approval.isApproved ? input.now : null) : plan.approvedAt;
    const moved = await transitionPlan(tx, {
      teamId: plan.teamId,
      planId: plan.id,
      from: ['in_review', 'approved', 'scheduled'],
      to,
      patch: { scheduledAt: input.at, publishDestinations: input.destinations, approvedAt },
    });
    await enqueuePublish(tx, plan, input.at, input.maxAttempts);
    await recordAudit(tx, {
      teamId: plan.teamId,
      planId: plan.id,
      actorId: input.userId,
      action: 'scheduled',
      details: { at: input.at.toISOString(), destinations: input.destinations },
    });
    return { plan: moved ?? plan, approval };
  });
}

export async function unschedulePlan(input: DecisionInput): Promise<Plan> {
  return decide(input, { type: 'unschedule' }, async (tx, plan) => {
    const to: PlanStatus = plan.approvedAt ? 'approved' : 'in_review';
    const moved = await transitionPlan(tx, { teamId: plan.teamId, planId: plan.id, from: ['scheduled'], to, patch: { scheduledAt: null } });
    await removeJob(tx, publishJobKey(plan.id));
    await recordAudit(tx, { teamId: plan.teamId, planId: plan.id, actorId: input.userId, action: 'unscheduled' });
    return moved ?? plan;
  });
}

export async function publishNow(input: DecisionInput & { now: Date; destinations: string[]; maxAttempts: number }): Promise<Plan> {
  return decide(input, { type: 'publish' }, async (tx, plan, to) => {
    if (!plan.approvedAt) throw new AppError('CONFLICT', `Plan #${plan.number} needs its approvals before it can be published.`);
    const destinations = plan.publishDestinations.length > 0 ? plan.publishDestinations : input.destinations;
    const moved = await transitionPlan(tx, {
      teamId: plan.teamId,
      planId: plan.id,
      from: ['approved', 'scheduled'],
      to,
      patch: { publishDestinations: destinations },
    });
    await enqueuePublish(tx, plan, input.now, input.maxAttempts);
    await recordAudit(tx, { teamId: plan.teamId, planId: plan.id, actorId: input.userId, action: 'publish_requested', details: { destinations } });
    return moved ?? plan;
  });
}

function enqueuePublish(tx: Executor, plan: Plan, runAt: Date, maxAttempts: number) {
  return tx.execute(
    addJobSql(PUBLISH_TASK, { teamId: plan.teamId, planId: plan.id, revision: plan.revision }, {
      jobKey: publishJobKey(plan.id),
      jobKeyMode: 'replace',
      runAt,
      maxAttempts,
    }),
  );
}

function removeJob(tx: Executor, jobKey: string) {
  return tx.execute(sql`select graphile_worker.remove_job(${jobKey})`);
}
