import type { WebClient } from '@slack/web-api';
import type { Task } from 'graphile-worker';
import {
  buildDecisionNotice,
  buildNoApproverNotice,
  buildPublishedNotice,
  buildReviewCall,
  buildReviewDm,
} from '../bot/blocks/replies/notifications.ts';
import { findChannelMembers, findPlanPermalink, isSlackRefusal, resolveDeciders, sendDirectMessage } from '../bot/services/approver-notifications.ts';
import { claimNotice, listNoticeKeys, sendNoticeOnce } from '../db/plan-notices.ts';
import type { PlanSnapshot } from '../db/plan-snapshot.ts';
import { loadPlanSnapshot } from '../db/plan-snapshot.ts';
import type { Plan } from '../db/plans.ts';
import { dueNotices, noticeKeys, splitMentions, type DueNotice } from '../domain/review-notices.ts';
import { reviewPolicyOf } from '../domain/review-policy.ts';
import type { JobDeps } from './deps.ts';
import { parsePayload, planJobPayload } from './payloads.ts';
import { requestPlanNotices, scheduleReviewReminder } from './queue.ts';

export type NoticeDeps = Pick<JobDeps, 'db' | 'logger' | 'enqueue' | 'slackFor' | 'now' | 'reviewReminderHours' | 'adminDirectory'>;

/** Metadata on thread notices, so they can be told apart from the plan's content replies. */
export const PLAN_NOTICE_EVENT = 'plan_notice';

const HOUR_MS = 60 * 60 * 1000;

/**
 * Sends what the plan's state owes as new messages: the call for review (with DMs for approvers
 * outside the channel, and the reminder scheduled), and the author's notices of decisions and publishing.
 */
export function makeSendPlanNotices(deps: NoticeDeps): Task {
  return async (payload) => {
    const { teamId, planId } = parsePayload(planJobPayload, payload);
    const snapshot = await loadPlanSnapshot(deps.db, { teamId, planId });
    if (!snapshot?.plan.messageTs || !snapshot.plan.messageChannelId || snapshot.plan.deletedAt) return;
    const due = dueNotices(snapshot, await listNoticeKeys(deps.db, { teamId, planId }), deps.now());
    if (due.length === 0) return;
    const slack = await deps.slackFor(teamId);
    for (const notice of due) await sendNotice(deps, slack, snapshot, notice);
  };
}

/** After a render, asks for the notices job when the plan's state may owe one, so running pipelines add no jobs. */
export async function requestNoticesIfDue(deps: Pick<JobDeps, 'enqueue' | 'now'>, snapshot: PlanSnapshot): Promise<void> {
  if (dueNotices(snapshot, new Set(), deps.now()).length === 0) return;
  await requestPlanNotices(deps, snapshot.plan.teamId, snapshot.plan.id);
}

export function planLabel({ plan, items }: Pick<PlanSnapshot, 'plan' | 'items'>) {
  const current = items.find((item) => item.isCurrent) ?? items.at(-1);
  return { number: plan.number, title: current?.title || plan.topic };
}

async function sendNotice(deps: NoticeDeps, slack: WebClient, snapshot: PlanSnapshot, notice: DueNotice): Promise<void> {
  const { plan } = snapshot;
  const ref = { teamId: plan.teamId, planId: plan.id };
  const label = planLabel(snapshot);
  const postInThread = (text: string, key: string) => async () => {
    const channel = plan.messageChannelId ?? '';
    const posted = await slack.chat.postMessage({
      channel,
      thread_ts: plan.messageTs ?? undefined,
      text,
      unfurl_links: false,
      unfurl_media: false,
      metadata: { event_type: PLAN_NOTICE_EVENT, event_payload: { plan_id: plan.id, key } },
    });
    return { channelId: channel, ts: posted.ts };
  };

  switch (notice.kind) {
    case 'review':
      return sendReviewCall(deps, slack, snapshot, notice.revision, postInThread);
    case 'decision': {
      const revision = revisionOf(notice.entries[0]?.details) ?? plan.revision;
      const decidedAt = notice.entries[0]?.createdAt.getTime() ?? deps.now().getTime();
      const count = snapshot.approvals.filter((approval) => approval.revision === revision && approval.createdAt.getTime() <= decidedAt).length;
      const message = buildDecisionNotice({
        authorId: plan.authorId,
        plan: label,
        entries: notice.entries.map((entry) => ({ action: entry.action, actorId: entry.actorId, details: asRecord(entry.details) })),
        approvals: { count, required: reviewPolicyOf(plan).requiredApprovals },
      });
      await sendNoticeOnce(deps.db, { ...ref, key: notice.key }, postInThread(message.text, notice.key));
      return;
    }
    case 'published': {
      const attempts = snapshot.publishAttempts.filter((attempt) => attempt.revision === notice.revision);
      const destinations = attempts.filter((attempt) => attempt.state === 'delivered').map((attempt) => ({ name: attempt.destinationName, url: attempt.url }));
      const failed = notice.isPartial
        ? attempts.filter((attempt) => attempt.state === 'failed').map((attempt) => ({ name: attempt.destinationName, reason: attempt.reason }))
        : [];
      const message = buildPublishedNotice({ authorId: plan.authorId, plan: label, destinations, failed });
      await sendNoticeOnce(deps.db, { ...ref, key: notice.key }, postInThread(message.text, notice.key));
      return;
    }
  }
}

/**
 * The call for review: one thread reply mentioning who can decide now (or saying nobody can, and
 * who can fix that), a DM for each of them outside the channel, and the reminder. Each step has
 * its own key, so a retry after a failure finishes the steps left; `review:N` marks all done.
 */
async function sendReviewCall(
  deps: NoticeDeps,
  slack: WebClient,
  snapshot: PlanSnapshot,
  revision: number,
  postInThread: (text: string, key: string) => () => Promise<{ channelId: string; ts: string | undefined }>,
): Promise<void> {
  const { plan } = snapshot;
  const ref = { teamId: plan.teamId, planId: plan.id };
  const label = planLabel(snapshot);
  const deciders = await resolveDeciders({ db: deps.db, client: slack, plan, directory: deps.adminDirectory });
  const threadKey = `${noticeKeys.review(revision)}:thread`;
  if (deciders.eligible.length === 0) {
    const message = buildNoApproverNotice({ plan: label, authorId: plan.authorId, admins: deciders.admins });
    await sendNoticeOnce(deps.db, { ...ref, key: threadKey }, postInThread(message.text, threadKey));
    await claimNotice(deps.db, { ...ref, key: noticeKeys.review(revision) });
    return;
  }
  const { shown, more } = splitMentions(deciders.eligible);
  const approvalsNeeded = reviewPolicyOf(plan).requiredApprovals;
  const call = buildReviewCall({ plan: label, revision, shown, more, approvalsNeeded });
  await sendNoticeOnce(deps.db, { ...ref, key: threadKey }, postInThread(call.text, threadKey));

  await sendReviewDms(deps, slack, plan, shown, revision, label);
  if (deps.reviewReminderHours > 0) {
    const runAt = new Date(deps.now().getTime() + deps.reviewReminderHours * HOUR_MS);
    await scheduleReviewReminder(deps, { teamId: plan.teamId, planId: plan.id, revision }, runAt);
  }
  await claimNotice(deps.db, { ...ref, key: noticeKeys.review(revision) });
}

/** A mention does not notify someone outside a private channel: those people get a DM. */
async function sendReviewDms(deps: NoticeDeps, slack: WebClient, plan: Plan, userIds: readonly string[], revision: number, label: { number: number; title: string }) {
  const channelId = plan.messageChannelId ?? '';
  const members = await findChannelMembers(slack, channelId);
  if (!members) {
    deps.logger.warn({ planId: plan.id, channelId }, 'could not list the channel members; approvers outside the channel get no DM');
    return;
  }
  const outside = userIds.filter((userId) => !members.has(userId));
  if (outside.length === 0) return;
  const permalink = await findPlanPermalink(slack, plan);
  const message = buildReviewDm({ plan: label, channelId, permalink, revision });
  for (const userId of outside) {
    const key = noticeKeys.reviewDm(revision, userId);
    await sendDmOnce(deps, slack, { teamId: plan.teamId, planId: plan.id, key }, userId, message.text);
  }
}

/** A DM Slack refuses (a deactivated user, an install without im:write) is logged and skipped; the thread reply still stands. */
export async function sendDmOnce(deps: NoticeDeps, slack: WebClient, ref: { teamId: string; planId: string; key: string }, userId: string, text: string): Promise<void> {
  try {
    await sendNoticeOnce(deps.db, ref, () => sendDirectMessage(slack, userId, text));
  } catch (error) {
    if (!isSlackRefusal(error)) throw error;
    deps.logger.warn({ err: error, planId: ref.planId, userId }, 'Slack refused a notification DM');
  }
}

function asRecord(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function revisionOf(details: unknown): number | undefined {
  const revision = asRecord(details)['revision'];
  return typeof revision === 'number' ? revision : undefined;
}
