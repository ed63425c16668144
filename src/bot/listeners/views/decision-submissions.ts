import type { App, SlackViewMiddlewareArgs, AllMiddlewareArgs } from '@slack/bolt';
import { isAppError } from '../../../errors.ts';
import { requestRender } from '../../../jobs/queue.ts';
import { rejectPlan, requestChanges, scheduleDecisionFor, schedulePlan } from '../../../review/decisions.ts';
import type { Actor, Decision } from '../../../domain/review-policy.ts';
import type { Plan } from '../../../db/plans.ts';
import type { BotDeps } from '../../deps.ts';
import { DECISION_MODALS } from '../../ids.ts';
import { isAdminCheckUnavailable } from '../../services/permissions.ts';
import { assertWithinRateLimit, limiterOf } from '../../services/rate-limits.ts';
import { authorizeDecision, destinationOptions, findPlanForDecision } from '../../services/review-context.ts';
import { parseDecisionMetadata, parseRequiredText, parseScheduleSubmission } from '../../views/decision-modals.ts';

type ViewArgs = SlackViewMiddlewareArgs & AllMiddlewareArgs;

/** Inline errors are plain text, where Slack's <!date> does not render: "Mon 1 Dec, 09:00 UTC". */
function formatUtcTime(at: Date): string {
  const day = at.toLocaleDateString('en-GB', { weekday: 'short', day: 'numeric', month: 'short', timeZone: 'UTC' });
  const time = at.toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit', timeZone: 'UTC' });
  return `${day}, ${time} UTC`;
}

/** Decision modals: each submission is validated inline and authorised again on the server. */
export function registerDecisionSubmissions(app: App, deps: BotDeps): void {
  const on = (
    callbackId: string,
    firstBlock: string,
    decision: (plan: Plan) => Decision,
    handle: (plan: Plan, actor: Actor, args: ViewArgs) => Promise<Record<string, string> | void>,
  ) => {
    app.view(callbackId, async (args) => {
      const { ack, body, view, client, context } = args;
      const metadata = parseDecisionMetadata(view.private_metadata);
      const plan = await findPlanForDecision(deps, context.teamId ?? body.team?.id, metadata?.planId);
      if (!plan) return void (await ack({ response_action: 'errors', errors: { [firstBlock]: 'That plan no longer exists in this workspace.' } }));
      try {
        const { actor, verdict } = await authorizeDecision({ deps, client, plan, userId: body.user.id, decision: decision(plan) });
        if (!verdict.isAllowed) return void (await ack({ response_action: 'errors', errors: { [firstBlock]: verdict.message } }));
        const errors = await handle(plan, actor, args);
        if (errors) return void (await ack({ response_action: 'errors', errors }));
      } catch (error) {
        if (!isAppError(error, 'CONFLICT') && !isAppError(error, 'NOT_FOUND') && !isAppError(error, 'FORBIDDEN') && !isAdminCheckUnavailable(error)) throw error;
        return void (await ack({ response_action: 'errors', errors: { [firstBlock]: error.message } }));
      }
      await ack();
      await requestRender(deps, plan.teamId, plan.id, 0);
    });
  };

  const { requestChanges: changes, reject, schedule } = DECISION_MODALS;

  on(changes.callbackId, changes.block, () => 'request_changes', async (plan, actor, { view }) => {
    const answer = parseRequiredText(view, changes.block, 'feedback');
    if (!answer.ok) return answer.errors;
    await assertWithinRateLimit(limiterOf(deps), { kind: 'request_changes', teamId: plan.teamId });
    await requestChanges({ db: deps.db, teamId: plan.teamId, planId: plan.id, actor, feedback: answer.text, maxAttempts: deps.maxAttempts });
  });

  on(reject.callbackId, reject.block, () => 'reject', async (plan, actor, { view }) => {
    const answer = parseRequiredText(view, reject.block, 'reason');
    if (!answer.ok) return answer.errors;
    await rejectPlan({ db: deps.db, teamId: plan.teamId, planId: plan.id, actor, reason: answer.text });
  });

  on(
    schedule.callbackId,
    schedule.timeBlock,
    scheduleDecisionFor,
    async (plan, actor, { view }) => {
      const now = deps.now();
      const answer = parseScheduleSubmission(view, now, await destinationOptions(deps, plan), formatUtcTime);
      if (!answer.ok) return answer.errors;
      await schedulePlan({
        db: deps.db,
        teamId: plan.teamId,
        planId: plan.id,
        actor,
        destinations: answer.destinations,
        now,
        maxAttempts: deps.maxAttempts,
      });
    },
  );
}
