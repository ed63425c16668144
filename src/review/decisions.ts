import type { Database, Executor } from '../db/client.ts';
import { addApproval, listApprovals } from '../db/approvals.ts';
import { recordAudit } from '../db/audit.ts';
import { applyPlanEvent, type PlanEventPatch } from '../db/plan-events.ts';
import { lockPlan, type Plan } from '../db/plans.ts';
import { nextPlanStatus, STATUS_LABELS, type ChangeScope, type PlanEvent, type PlanStatus } from '../domain/plan-states.ts';
import { CHANNEL_LABELS } from '../domain/channels.ts';
import { earliestTime, toDestinationTimes } from '../domain/publish-schedule.ts';
import { canDecide, reviewPolicyOf, type Actor, type Decision } from '../domain/review-policy.ts';
import { AppError } from '../errors.ts';
import { enqueuePublish, enqueueRevision, removePublishJobs } from '../jobs/queue.ts';

/**
 * Who decides, and on which revision: the one on the button or modal they used. `actor.isAdmin` is
 * looked up before the plan is locked, so no Slack call waits under the lock.
 */
type DecisionInput = { db: Database; teamId: string; planId: string; actor: Actor; revision: number };

/** Why a decision made on an older revision was refused, with a link to the plan's message when it has one. */
export function describeStaleRevision({
  pressed,
  plan,
}: {
  pressed: number;
  plan: { revision: number; status: PlanStatus; messagePermalink: string | null };
}): string {
  const current = plan.revision + 1;
  const where = plan.status === 'in_review' ? 'now in review' : `now ${STATUS_LABELS[plan.status].toLowerCase()}`;
  const link = plan.messagePermalink ? ` <${plan.messagePermalink}|Open revision ${current}>` : '';
  const shown = pressed < 0 ? 'This button is out of date' : `This is revision ${pressed + 1}`;
  return `${shown}; revision ${current} is ${where}. Nothing was changed.${link}`;
}

/** Thrown when a button or modal was made for a revision that is no longer the plan's. */
export function staleRevisionError(pressed: number, plan: Plan): AppError {
  return new AppError('CONFLICT', describeStaleRevision({ pressed, plan }));
}

/**
 * Runs a decision in one transaction with the plan row locked, so double clicks and racing
 * approvers apply it once. Under the lock the decision is judged again, from the plan as it is now:
 * CONFLICT when it was made on an older revision or the plan's state no longer allows it,
 * FORBIDDEN when the person may not make it.
 */
async function decide<T>(
  { db, teamId, planId, actor, revision }: DecisionInput,
  decisionFor: (plan: Plan) => Decision,
  event: PlanEvent,
  apply: (tx: Executor, plan: Plan) => Promise<T>,
): Promise<T> {
  return db.transaction(async (tx) => {
    const plan = await lockPlan(tx, teamId, planId);
    if (!plan) throw new AppError('NOT_FOUND', 'That plan no longer exists in this workspace.');
    if (plan.revision !== revision) throw staleRevisionError(revision, plan);
    const verdict = canDecide(actor, plan, reviewPolicyOf(plan), decisionFor(plan));
    if (!verdict.isAllowed) throw new AppError('FORBIDDEN', verdict.message);
    if (nextPlanStatus(plan.status, event) === null) {
      throw new AppError('CONFLICT', `Plan #${plan.number} is ${STATUS_LABELS[plan.status].toLowerCase()}, so that is no longer possible.`);
    }
    return apply(tx, plan);
  });
}

/** Applies an event to a plan locked by `decide`, whose state was checked: it cannot be refused. */
async function move(tx: Executor, plan: Plan, event: PlanEvent, patch?: PlanEventPatch): Promise<Plan> {
  const moved = await applyPlanEvent(tx, { teamId: plan.teamId, planId: plan.id }, event, patch);
  if (!moved.isApplied) throw new AppError('CONFLICT', moved.message);
  return moved.plan;
}

export type ApprovalOutcome = { plan: Plan; isApproved: boolean; approvals: number; required: number; isNewApproval: boolean };

/** Adds the person's approval; the plan is approved once it has as many as the policy requires. */
export async function approvePlan(input: DecisionInput & { now: Date }): Promise<ApprovalOutcome> {
  return decide(input, () => 'approve', { type: 'approved' }, (tx, plan) => addApprovalAndMaybeApprove(tx, plan, input.actor.userId, input.now));
}

async function addApprovalAndMaybeApprove(tx: Executor, plan: Plan, userId: string, now: Date, patch: PlanEventPatch = {}): Promise<ApprovalOutcome> {
  if (plan.approvedAt) throw new AppError('CONFLICT', `Plan #${plan.number} is already approved.`);
  const ref = { teamId: plan.teamId, planId: plan.id, revision: plan.revision };
  const isNewApproval = await addApproval(tx, { ...ref, approverId: userId });
  const approvals = (await listApprovals(tx, ref)).length;
  const { requiredApprovals } = reviewPolicyOf(plan);
  if (isNewApproval) await recordAudit(tx, { teamId: plan.teamId, planId: plan.id, actorId: userId, action: 'approved', details: { revision: plan.revision } });
  if (approvals < requiredApprovals) return { plan, isApproved: false, approvals, required: requiredApprovals, isNewApproval };
  const approved = await move(tx, plan, { type: 'approved' }, { ...patch, approvedAt: now });
  return { plan: approved, isApproved: true, approvals, required: requiredApprovals, isNewApproval };
}

/** Sends the plan back for a new revision of what `scope` names; the revise job starts it. */
export async function requestChanges(input: DecisionInput & { feedback: string; scope: ChangeScope; maxAttempts: number }): Promise<Plan> {
  return decide(input, () => 'request_changes', { type: 'changes_requested' }, async (tx, plan) => {
    if (input.scope.kind === 'variant' && !plan.channels.includes(input.scope.channel)) {
      throw new AppError('CONFLICT', `Plan #${plan.number} has no ${CHANNEL_LABELS[input.scope.channel]} variant; pick one of its channels.`);
    }
    const moved = await move(tx, plan, { type: 'changes_requested' }, { approvedAt: null, scheduledAt: null });
    await removePublishJobs(tx, plan.id);
    await recordAudit(tx, {
      teamId: plan.teamId,
      planId: plan.id,
      actorId: input.actor.userId,
      action: 'changes_requested',
      details: { feedback: input.feedback, revision: plan.revision, scope: input.scope },
    });
    await enqueueRevision(tx, plan, input.scope, input.maxAttempts);
    return moved;
  });
}

export async function rejectPlan(input: DecisionInput & { reason: string }): Promise<Plan> {
  return decide(input, () => 'reject', { type: 'rejected' }, async (tx, plan) => {
    const moved = await move(tx, plan, { type: 'rejected' }, { scheduledAt: null });
    await removePublishJobs(tx, plan.id);
    await recordAudit(tx, { teamId: plan.teamId, planId: plan.id, actorId: input.actor.userId, action: 'rejected', details: { reason: input.reason } });
    return moved;
  });
}

export type ScheduleOutcome = { plan: Plan; approval: ApprovalOutcome | null };

/** From review, scheduling is also an approval, with the same rules ("Approve & schedule"). */
export function scheduleDecisionFor(plan: Pick<Plan, 'status'>): Decision {
  return plan.status === 'in_review' ? 'approve' : 'schedule';
}

/** A chosen destination: its key, its name as the modal showed it, and when it publishes. */
export type ScheduledDestination = { key: string; name: string; at: Date };

/**
 * Sets the destinations and each one's time. From review, the scheduler's approval is added in the
 * same step; if more approvals are needed the plan waits, scheduled, and expires at its earliest
 * destination time unapproved. Whether this is an approval is decided under the lock, from the plan as it is.
 */
export async function schedulePlan(
  input: DecisionInput & { destinations: readonly ScheduledDestination[]; now: Date; maxAttempts: number },
): Promise<ScheduleOutcome> {
  return decide(input, scheduleDecisionFor, { type: 'scheduled' }, async (tx, plan) => {
    const schedule = {
      scheduledAt: earliestTime(input.destinations),
      publishDestinations: input.destinations.map((destination) => destination.key),
      publishTimes: toDestinationTimes(input.destinations),
    };
    let approval: ApprovalOutcome | null = null;
    let current = plan;
    if (plan.status === 'in_review') {
      approval = await addApprovalAndMaybeApprove(tx, plan, input.actor.userId, input.now);
      current = approval.plan;
    }
    const moved = await move(tx, current, { type: 'scheduled' }, schedule);
    // A rescheduled plan may have dropped a destination: its job goes too.
    await removePublishJobs(tx, plan.id);
    await enqueuePublish(tx, plan, input.destinations, input.maxAttempts);
    await recordAudit(tx, {
      teamId: plan.teamId,
      planId: plan.id,
      actorId: input.actor.userId,
      action: 'scheduled',
      details: {
        at: schedule.scheduledAt?.toISOString(),
        destinations: schedule.publishDestinations,
        times: Object.fromEntries(input.destinations.map((destination) => [destination.key, destination.at.toISOString()])),
      },
    });
    return { plan: moved, approval };
  });
}

export async function unschedulePlan(input: DecisionInput): Promise<Plan> {
  return decide(input, () => 'unschedule', { type: 'unscheduled', isApproved: true }, async (tx, plan) => {
    const moved = await move(tx, plan, { type: 'unscheduled', isApproved: plan.approvedAt !== null }, { scheduledAt: null });
    await removePublishJobs(tx, plan.id);
    await recordAudit(tx, { teamId: plan.teamId, planId: plan.id, actorId: input.actor.userId, action: 'unscheduled' });
    return moved;
  });
}

/**
 * Publishes to every destination now: the scheduled ones, or `defaultKeys` when none were chosen.
 * `options` names the destinations the workspace has.
 */
export async function publishNow(
  input: DecisionInput & { now: Date; options: readonly Omit<ScheduledDestination, 'at'>[]; defaultKeys: readonly string[]; maxAttempts: number },
): Promise<Plan> {
  return decide(input, () => 'publish', { type: 'publish_started' }, async (tx, plan) => {
    if (!plan.approvedAt) throw new AppError('CONFLICT', `Plan #${plan.number} needs its approvals before it can be published.`);
    const keys = plan.publishDestinations.length > 0 ? plan.publishDestinations : input.defaultKeys;
    const nameOf = (key: string) =>
      input.options.find((option) => option.key === key)?.name ?? plan.publishTimes.find((time) => time.key === key)?.name ?? 'A removed destination';
    const timed = keys.map((key) => ({ key, name: nameOf(key), at: input.now }));
    const destinations = [...keys];
    const moved = await move(tx, plan, { type: 'publish_started' }, { publishDestinations: destinations, publishTimes: toDestinationTimes(timed), scheduledAt: input.now });
    await removePublishJobs(tx, plan.id);
    await enqueuePublish(tx, plan, timed, input.maxAttempts);
    await recordAudit(tx, { teamId: plan.teamId, planId: plan.id, actorId: input.actor.userId, action: 'publish_requested', details: { destinations } });
    return moved;
  });
}
