/**
 * Which notifications a plan owes, from its state: Slack does not notify for mentions added by
 * chat.update, so reaching review and every decision are told in new messages. Each notice has a
 * key; a key is sent once (src/db/plan-notices.ts), however often the plan is rendered.
 */
import type { ReviewPolicy } from './review-policy.ts';

/** Mentions in one review call; the rest are counted ("and 3 more can decide"). */
export const MAX_REVIEW_MENTIONS = 10;

/** Decisions older than this are not announced late (after a deploy, or a long outage). */
export const DECISION_NOTICE_WINDOW_MS = 24 * 60 * 60 * 1000;

/** Audit actions the author is told about. */
export const AUTHOR_NOTICE_ACTIONS = ['approved', 'changes_requested', 'rejected', 'scheduled'] as const;
export type AuthorNoticeAction = (typeof AUTHOR_NOTICE_ACTIONS)[number];

/**
 * Who can approve the plan now: the named approvers, or when none are named the workspace's admins
 * and owners, without the author unless self-approval is allowed. Order is kept, duplicates dropped.
 */
export function eligibleApprovers(policy: ReviewPolicy, authorId: string, admins: readonly string[]): string[] {
  const candidates = policy.approverIds.length > 0 ? policy.approverIds : admins;
  return [...new Set(candidates)].filter((userId) => policy.allowSelfApproval || userId !== authorId);
}

/** The first people to mention and how many more could decide. */
export function splitMentions(userIds: readonly string[], max = MAX_REVIEW_MENTIONS): { shown: string[]; more: number } {
  return { shown: userIds.slice(0, max), more: Math.max(0, userIds.length - max) };
}

export type NoticeAuditEntry = { id: number; actorId: string; action: string; details: unknown; createdAt: Date };

export type DueNotice =
  | { kind: 'review'; key: string; revision: number }
  | { kind: 'decision'; key: string; entries: NoticeAuditEntry[] }
  /** `isPartial`: every destination is done and some failed; a retry that completes it is told again. */
  | { kind: 'published'; key: string; revision: number; isPartial: boolean };

export const noticeKeys = {
  review: (revision: number) => `review:${revision}`,
  decision: (firstAuditId: number) => `decision:${firstAuditId}`,
  published: (revision: number) => `published:${revision}`,
  partlyPublished: (revision: number) => `partly_published:${revision}`,
  reviewDm: (revision: number, userId: string) => `review:${revision}:dm:${userId}`,
  reminder: (revision: number, userId: string) => `reminder:${revision}:${userId}`,
};

function isAuthorNoticeAction(action: string): action is AuthorNoticeAction {
  return (AUTHOR_NOTICE_ACTIONS as readonly string[]).includes(action);
}

/**
 * The notices a plan owes and has not sent. One decision is one notice: "Approve & schedule"
 * writes two audit rows in one transaction (the same actor and time), and the author hears once.
 */
export function dueNotices(
  { plan, audit }: { plan: { status: string; revision: number; updatedAt: Date }; audit: readonly NoticeAuditEntry[] },
  sent: ReadonlySet<string>,
  now: Date,
): DueNotice[] {
  const due: DueNotice[] = [];
  if (plan.status === 'in_review') due.push({ kind: 'review', key: noticeKeys.review(plan.revision), revision: plan.revision });

  const isRecent = (at: Date) => now.getTime() - at.getTime() <= DECISION_NOTICE_WINDOW_MS;
  const decisions = new Map<string, NoticeAuditEntry[]>();
  for (const entry of [...audit].sort((a, b) => a.id - b.id)) {
    if (!isAuthorNoticeAction(entry.action)) continue;
    if (!isRecent(entry.createdAt)) continue;
    const group = `${entry.actorId}@${entry.createdAt.getTime()}`;
    decisions.set(group, [...(decisions.get(group) ?? []), entry]);
  }
  for (const entries of decisions.values()) due.push({ kind: 'decision', key: noticeKeys.decision(entries[0]!.id), entries });

  if ((plan.status === 'published' || plan.status === 'partially_published') && isRecent(plan.updatedAt)) {
    const isPartial = plan.status === 'partially_published';
    const key = isPartial ? noticeKeys.partlyPublished(plan.revision) : noticeKeys.published(plan.revision);
    due.push({ kind: 'published', key, revision: plan.revision, isPartial });
  }
  return due.filter((notice) => !sent.has(notice.key));
}
