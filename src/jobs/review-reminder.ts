import type { Task } from 'graphile-worker';
import { buildReminderDm } from '../bot/blocks/replies/notifications.ts';
import { findPlanPermalink, resolveDeciders } from '../bot/services/approver-notifications.ts';
import { listApprovals } from '../db/approvals.ts';
import { findCurrentItem } from '../db/content.ts';
import { findPlan } from '../db/plans.ts';
import { noticeKeys, splitMentions } from '../domain/review-notices.ts';
import { sendDmOnce, type NoticeDeps } from './plan-notices.ts';
import { parsePayload, revisionJobPayload } from './payloads.ts';
import { isAwaitingApproval } from '../domain/plan-states.ts';

/** Still waiting for approvals: in review, or scheduled by someone before enough approvers agreed. */
/**
 * REVIEW_REMINDER_HOURS after a revision reached review: one DM to each approver called for it who
 * has not approved it, while it still waits. Any other decision has moved the plan out of review.
 */
export function makeRemindReviewers(deps: NoticeDeps): Task {
  return async (payload) => {
    const { teamId, planId, revision } = parsePayload(revisionJobPayload, payload);
    const plan = await findPlan(deps.db, teamId, planId);
    if (!plan || plan.deletedAt || plan.revision !== revision || !isAwaitingApproval({ status: plan.status, isApproved: plan.approvedAt !== null })) return;
    const slack = await deps.slackFor(teamId);
    const deciders = await resolveDeciders({ db: deps.db, client: slack, plan, directory: deps.adminDirectory });
    const pressed = new Set((await listApprovals(deps.db, { teamId, planId, revision })).map((approval) => approval.approverId));
    const waiting = splitMentions(deciders.eligible).shown.filter((userId) => !pressed.has(userId));
    if (waiting.length === 0) return;
    const title = (await findCurrentItem(deps.db, { teamId, planId }))?.title || plan.topic;
    const message = buildReminderDm({ plan: { number: plan.number, title }, hours: deps.reviewReminderHours, permalink: await findPlanPermalink(slack, plan) });
    for (const userId of waiting) {
      await sendDmOnce(deps, slack, { teamId, planId, key: noticeKeys.reminder(revision, userId) }, userId, message.text);
    }
  };
}
