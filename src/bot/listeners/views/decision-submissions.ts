import type { App, SlackViewMiddlewareArgs, AllMiddlewareArgs } from '@slack/bolt';
import { isAppError } from '../../../errors.ts';
import { requestRender } from '../../../jobs/queue.ts';
import { rejectPlan, requestChanges, scheduleDecisionFor, schedulePlan, staleRevisionError } from '../../../review/decisions.ts';
import type { Actor, Decision } from '../../../domain/review-policy.ts';
import type { Plan } from '../../../db/plans.ts';
import type { BotDeps } from '../../deps.ts';
import { DECISION_MODALS } from '../../ids.ts';
import { isAdminCheckUnavailable } from '../../services/permissions.ts';
import { assertWithinRateLimit, limiterOf } from '../../services/rate-limits.ts';
import { authorizeDecision, destinationOptions, findPlanForDecision } from '../../services/review-context.ts';
import { parseDecisionMetadata, parseRequestChangesSubmission, parseRequiredText, parseScheduleSubmission } from '../../views/decision-modals.ts';

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
    handle: (plan: Plan, actor: Actor, revision: number, args: ViewArgs) => Promise<Record<string, string> | void>,
  ) => {
    app.view(callbackId, async (args) => {
      const { ack, body, view, client, context } = args;
      const metadata = parseDecisionMetadata(view.private_metadata);
      const plan = await findPlanForDecision(deps, context.teamId ?? body.team?.id, metadata?.planId);
      if (!plan || !metadata) return void (await ack({ response_action: 'errors', errors: { [firstBlock]: 'That plan no longer exists in this workspace.' } }));
      try {
        // Checked first so nothing is asked of Slack for a stale modal; the decision checks again under the lock.
        if (metadata.revision !== plan.revision) throw staleRevisionError(metadata.revision, plan);
        const { actor, verdict } = await authorizeDecision({ deps, client, plan, userId: body.user.id, decision: decision(plan) });
        if (!verdict.isAllowed) return void (await ack({ response_action: 'errors', errors: { [firstBlock]: verdict.message } }));
        const errors = await handle(plan, actor, metadata.revision, args);
        if (errors) return void (await ack({ response_action: 'errors', errors }));
      } catch (error) {
        if (!isAppError(error, 'CONFLICT') && !isAppError(error, 'NOT_FOUND') && !isAppError(error, 'FORBIDDEN') && !isAdminCheckUnavailable(error)) throw error;
        return void (await ack({ response_action: 'errors', errors: { [firstBlock]: modalErrorText(error) } }));
      }
      await ack();
      await requestRender(deps, plan.teamId, plan.id, 0);
    });
  };

  const { requestChanges: changes, reject, schedule } = DECISION_MODALS;

  on(changes.callbackId, changes.block, () => 'request_changes', async (plan, actor, revision, { view }) => {
    const answer = parseRequestChangesSubmission(view, plan.channels);
    if (!answer.ok) return answer.errors;
    await assertWithinRateLimit(limiterOf(deps), { kind: 'request_changes', teamId: plan.teamId });
    await requestChanges({ db: deps.db, teamId: plan.teamId, planId: plan.id, actor, revision, feedback: answer.feedback, scope: answer.scope, maxAttempts: deps.maxAttempts });
  });

  on(reject.callbackId, reject.block, () => 'reject', async (plan, actor, revision, { view }) => {
    const answer = parseRequiredText(view, reject.block, 'reason');
    if (!answer.ok) return answer.errors;
    await rejectPlan({ db: deps.db, teamId: plan.teamId, planId: plan.id, actor, revision, reason: answer.text });
  });

  on(
    schedule.callbackId,
    schedule.timeBlock,
    scheduleDecisionFor,
    async (plan, actor, revision, { view }) => {
      const now = deps.now();
      const answer = parseScheduleSubmission(view, now, await destinationOptions(deps, plan), formatUtcTime);
      if (!answer.ok) return answer.errors;
      await schedulePlan({
        db: deps.db,
        teamId: plan.teamId,
        planId: plan.id,
        actor,
        revision,
        destinations: answer.destinations,
        now,
        maxAttempts: deps.maxAttempts,
      });
    },
  );
}

/** Inline errors are plain text: a Slack link in one would show as its raw markup, so it becomes its bare URL. */
function modalErrorText(error: Error): string {
  return error.message.replace(/<([^|>]+)\|[^>]*>/g, '$1');
}
