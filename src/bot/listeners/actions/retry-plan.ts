import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import { findPlan } from '../../../db/plans.ts';
import { isAppError } from '../../../errors.ts';
import { requestRender } from '../../../jobs/queue.ts';
import { retryFailedPlan } from '../../../review/retry.ts';
import { STAGE_LABELS } from '../../blocks/plan-message.ts';
import type { BotDeps } from '../../deps.ts';
import { ACTIONS } from '../../ids.ts';
import { assertWithinRateLimit, limiterOf } from '../../services/rate-limits.ts';
import { replyTo } from '../../services/reply.ts';
import { isAdminCheckUnavailable, refusalToManage } from '../../services/permissions.ts';

/** Retry on a failed plan: its author or an admin re-runs the failed stage and what follows. */
export function registerRetryPlan(app: App, deps: BotDeps): void {
  app.action<BlockAction<ButtonAction>>(ACTIONS.retryPlan, async ({ ack, action, body, client, context, respond }) => {
    await ack();
    const say = (text: string) => replyTo({ respond: body.response_url ? respond : undefined, client, userId: body.user.id, text });
    const teamId = context.teamId ?? body.team?.id;
    const plan = teamId ? await findPlan(deps.db, teamId, action.value ?? '') : undefined;
    if (!plan) return void (await say('That plan no longer exists in this workspace.'));

    const userId = body.user.id;
    try {
      const refusal = await refusalToManage({ ...deps, client }, plan, userId, 'retry');
      if (refusal) return void (await say(refusal));
      await assertWithinRateLimit(limiterOf(deps), { kind: 'retry', teamId: plan.teamId, planId: plan.id, planNumber: plan.number });
      const stage = await retryFailedPlan(deps.db, { plan, actorId: userId, maxAttempts: deps.maxAttempts, retryKey: deps.now().getTime() });
      await requestRender(deps, plan.teamId, plan.id, 0);
      await say(`Retrying plan #${plan.number} from the ${STAGE_LABELS[stage].toLowerCase()} stage.`);
    } catch (error) {
      if (!isAppError(error, 'CONFLICT') && !isAdminCheckUnavailable(error)) throw error;
      await say(error.message);
    }
  });
}
