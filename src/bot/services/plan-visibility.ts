import type { WebClient } from '@slack/web-api';
import type { Plan } from '../../db/plans.ts';
import { isApprover, reviewPolicyOf } from '../../domain/review-policy.ts';
import type { BotDeps } from '../deps.ts';
import { isAppAdminOrNot } from './permissions.ts';

/**
 * Who may see a plan in `/content list` and `/content status`: everyone when its channel is public;
 * otherwise (a private channel, or one Slack could not tell us about) its author, its approvers and the admins.
 */
export function canSeePlan({ plan, userId, isAdmin }: { plan: Pick<Plan, 'channelIsPrivate' | 'authorId' | 'settings'>; userId: string; isAdmin: boolean }): boolean {
  if (plan.channelIsPrivate === false) return true;
  return plan.authorId === userId || isAdmin || isApprover({ userId, isAdmin }, reviewPolicyOf(plan));
}

/** The plans `userId` may see, in order; asks whether they are an admin only when that matters. */
export async function filterVisiblePlans({
  deps,
  client,
  teamId,
  userId,
  plans,
}: {
  deps: Pick<BotDeps, 'db' | 'logger'>;
  client: WebClient;
  teamId: string;
  userId: string;
  plans: readonly Plan[];
}): Promise<Plan[]> {
  let isAdmin: Promise<boolean> | undefined;
  const visible: Plan[] = [];
  for (const plan of plans) {
    if (canSeePlan({ plan, userId, isAdmin: false })) {
      visible.push(plan);
      continue;
    }
    isAdmin ??= isAppAdminOrNot({ db: deps.db, client, teamId, userId, logger: deps.logger });
    if (await isAdmin) visible.push(plan);
  }
  return visible;
}
