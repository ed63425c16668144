import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import { findPlan } from '../../../db/plans.ts';
import { isAppError } from '../../../errors.ts';
import { requestRender } from '../../../jobs/queue.ts';
import { retryDestination } from '../../../review/retry.ts';
import { parseDestinationRetryValue } from '../../blocks/destination-lines.ts';
import type { BotDeps } from '../../deps.ts';
import { DESTINATION_RETRY_ACTION_PATTERN } from '../../ids.ts';
import { assertWithinRateLimit, limiterOf } from '../../services/rate-limits.ts';
import { replyTo } from '../../services/reply.ts';
import { isAdminCheckUnavailable, refusalToManage } from '../../services/permissions.ts';

/** Retry on one failed destination: the plan's author or an admin sends it again; the others keep what they have. */
export function registerRetryDestination(app: App, deps: BotDeps): void {
  app.action<BlockAction<ButtonAction>>(DESTINATION_RETRY_ACTION_PATTERN, async ({ ack, action, body, client, context, respond }) => {
    await ack();
    const say = (text: string) => replyTo({ respond: body.response_url ? respond : undefined, client, userId: body.user.id, text });
    const teamId = context.teamId ?? body.team?.id;
    const target = parseDestinationRetryValue(action.value);
    const plan = teamId && target ? await findPlan(deps.db, teamId, target.planId) : undefined;
    if (!plan || !target) return void (await say('That plan no longer exists in this workspace.'));

    const userId = body.user.id;
    try {
      const refusal = await refusalToManage({ ...deps, client }, plan, userId, 'retry');
      if (refusal) return void (await say(refusal));
      await assertWithinRateLimit(limiterOf(deps), { kind: 'retry', teamId: plan.teamId, planId: plan.id, planNumber: plan.number });
      const { name } = await retryDestination(deps.db, {
        teamId: plan.teamId,
        planId: plan.id,
        destinationKey: target.destinationKey,
        actorId: userId,
        maxAttempts: deps.maxAttempts,
      });
      await requestRender(deps, plan.teamId, plan.id, 0);
      await say(`Publishing plan #${plan.number} to ${name} again.`);
    } catch (error) {
      if (!isAppError(error, 'CONFLICT') && !isAppError(error, 'NOT_FOUND') && !isAdminCheckUnavailable(error)) throw error;
      await say(error.message);
    }
  });
}
