import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import type { View } from '@slack/types';
import { isAppError } from '../../../errors.ts';
import { requestRender } from '../../../jobs/queue.ts';
import { approvePlan, publishNow, staleRevisionError, unschedulePlan } from '../../../review/decisions.ts';
import type { Actor, Decision } from '../../../domain/review-policy.ts';
import type { Plan } from '../../../db/plans.ts';
import type { BotDeps } from '../../deps.ts';
import { publishHome } from '../../services/publish-home.ts';
import { parseHomePages } from '../../blocks/home.ts';
import { ACTIONS, parseDecisionButtonValue, UNKNOWN_REVISION } from '../../ids.ts';
import { isAdminCheckUnavailable } from '../../services/permissions.ts';
import { replyTo } from '../../services/reply.ts';
import { authorizeDecision, defaultDestinations, destinationOptions, findPlanForDecision } from '../../services/review-context.ts';
import { buildRejectModal, buildRequestChangesModal, buildScheduleModal } from '../../views/decision-modals.ts';
import { openModal } from '../../services/open-modal.ts';

type ButtonArgs = {
  actor: Actor;
  /** The revision the button was shown for; the decision is refused under the lock if it is no longer current. */
  revision: number;
  action: ButtonAction;
  body: BlockAction;
  client: WebClient;
  context: { teamId?: string };
  tell: (text: string) => Promise<void>;
};

const ONE_HOUR_MS = 60 * 60 * 1000;

/** The decision buttons on a plan's message. Each press is authorised here, on the server. */
export function registerReviewActions(app: App, deps: BotDeps): void {
  const on = (actionId: string, decision: Decision, handle: (plan: Plan, args: ButtonArgs) => Promise<void>) => {
    app.action<BlockAction<ButtonAction>>(actionId, async ({ ack, action, body, client, context, respond }) => {
      await ack();
      const tell = (text: string) => replyTo({ respond: body.response_url ? respond : undefined, client, userId: body.user.id, text });
      const pressed = parseDecisionButtonValue(action.value);
      const plan = await findPlanForDecision(deps, context.teamId ?? body.team?.id, pressed?.planId);
      if (!plan || !pressed) return tell('That plan no longer exists in this workspace.');
      try {
        // Checked before anything opens; the decision itself checks again under the plan's lock.
        if (pressed.revision !== plan.revision) {
          if (pressed.revision === UNKNOWN_REVISION) await requestRender(deps, plan.teamId, plan.id, 0);
          throw staleRevisionError(pressed.revision, plan);
        }
        const { actor, verdict } = await authorizeDecision({ deps, client, plan, userId: body.user.id, decision });
        if (!verdict.isAllowed) return tell(verdict.message);
        await handle(plan, { actor, revision: pressed.revision, action, body, client, context, tell });
      } catch (error) {
        if (!isAppError(error, 'CONFLICT') && !isAppError(error, 'NOT_FOUND') && !isAppError(error, 'FORBIDDEN') && !isAdminCheckUnavailable(error)) throw error;
        await tell(error.message);
      }
      // Pressed on the Home (a decision, or Reschedule on its calendar): the Home keeps the pages it showed.
      if (!body.response_url) {
        await publishHome({ deps, client, teamId: plan.teamId, userId: body.user.id, pages: parseHomePages(body.view?.private_metadata) }).catch(() => undefined);
      }
    });
  };

  on(ACTIONS.approve, 'approve', async (plan, { actor, revision, tell }) => {
    const outcome = await approvePlan({ db: deps.db, teamId: plan.teamId, planId: plan.id, actor, revision, now: deps.now() });
    await requestRender(deps, plan.teamId, plan.id, 0);
    if (!outcome.isNewApproval) return tell(`You have already approved plan #${plan.number}.`);
    if (!outcome.isApproved) {
      await tell(`Your approval is recorded: ${outcome.approvals} of ${outcome.required}. Plan #${plan.number} is approved once ${outcome.required} approvers agree.`);
    }
  });

  const withModal = (view: (plan: Plan, args: ButtonArgs) => Promise<View>) => {
    return async (plan: Plan, args: ButtonArgs) => {
      await openModal(args.client, { triggerId: args.body.trigger_id, view: await view(plan, args) });
    };
  };
  const metadataOf = (plan: Plan) => ({ planId: plan.id, channelId: plan.messageChannelId, revision: plan.revision });

  on(ACTIONS.requestChanges, 'request_changes', withModal(async (plan) => buildRequestChangesModal(plan, metadataOf(plan))));
  on(ACTIONS.reject, 'reject', withModal(async (plan) => buildRejectModal(plan, metadataOf(plan))));
  on(
    ACTIONS.schedule,
    'schedule',
    withModal(async (plan) =>
      buildScheduleModal({
        plan,
        metadata: metadataOf(plan),
        destinations: await destinationOptions(deps, plan, { withCost: true }),
        selected: await defaultDestinations(deps, plan),
        initialTime: plan.scheduledAt ?? new Date(deps.now().getTime() + ONE_HOUR_MS),
        initialTimes: Object.fromEntries(plan.publishTimes.map((time) => [time.key, new Date(time.at)])),
        isApproveAndSchedule: plan.status === 'in_review',
      }),
    ),
  );

  on(ACTIONS.publishNow, 'publish', async (plan, { actor, revision }) => {
    await publishNow({
      db: deps.db,
      teamId: plan.teamId,
      planId: plan.id,
      actor,
      revision,
      now: deps.now(),
      options: await destinationOptions(deps, plan),
      defaultKeys: await defaultDestinations(deps, plan),
      maxAttempts: deps.maxAttempts,
    });
    await requestRender(deps, plan.teamId, plan.id, 0);
  });

  on(ACTIONS.unschedule, 'unschedule', async (plan, { actor, revision }) => {
    await unschedulePlan({ db: deps.db, teamId: plan.teamId, planId: plan.id, actor, revision });
    await requestRender(deps, plan.teamId, plan.id, 0);
  });
}
