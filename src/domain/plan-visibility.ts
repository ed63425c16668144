import { isApprover, reviewPolicyOf } from './review-policy.ts';

export type VisiblePlanFacts = { channelIsPrivate: boolean | null; authorId: string; settings: unknown };

/**
 * The one visibility rule for lists, `status`, the Home and the team view: a plan posted in a public
 * channel is shown to everyone; otherwise (a private channel, or one Slack could not tell us about)
 * only to its author, its approvers and the admins.
 */
export function canSeePlan({ plan, userId, isAdmin }: { plan: VisiblePlanFacts; userId: string; isAdmin: boolean }): boolean {
  if (plan.channelIsPrivate === false) return true;
  return plan.authorId === userId || isAdmin || isApprover({ userId, isAdmin }, reviewPolicyOf(plan));
}
