import type { WebClient } from '@slack/web-api';
import type { Plan } from '../../db/plans.ts';
import { canSeePlan } from '../../domain/plan-visibility.ts';
import type { BotDeps } from '../deps.ts';
import { isAppAdminOrNot } from './permissions.ts';

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
