import type { App, BlockAction, OverflowAction } from '@slack/bolt';
import { findPlan } from '../../../db/plans.ts';
import { getWorkspaceSettings } from '../../../db/settings.ts';
import { canEditBrief, type BriefFields } from '../../../domain/brief-edit.ts';
import { isAppError } from '../../../errors.ts';
import { requestHomeRefresh, requestPlanMove, requestRender } from '../../../jobs/queue.ts';
import { cancelPlan, deletePlan, editPlanBrief } from '../../../review/manage-plan.ts';
import { parseManageValue } from '../../blocks/plan-manage.ts';
import type { BotDeps } from '../../deps.ts';
import { ACTIONS, DELETE_PLAN_MODAL, PLAN_MODAL } from '../../ids.ts';
import { isAdminCheckUnavailable, refusalToManage } from '../../services/permissions.ts';
import { assertWithinRateLimit, limiterOf } from '../../services/rate-limits.ts';
import { replyTo } from '../../services/reply.ts';
import { buildDeletePlanModal, parsePlanIdMetadata } from '../../views/delete-plan-modal.ts';
import { buildPlanModal, parsePlanSubmission, type PlanInput } from '../../views/plan-modal.ts';
import { openModal } from '../../services/open-modal.ts';

const VERBS = { edit_brief: 'edit', cancel: 'cancel', delete: 'delete' } as const;

/** Edit brief, Cancel and Delete: the plan message's overflow menu, for the plan's author or an admin. */
export function registerManagePlan(app: App, deps: BotDeps): void {
  app.action<BlockAction<OverflowAction>>(ACTIONS.managePlan, async ({ ack, action, body, client, context, respond }) => {
    await ack();
    const tell = (text: string) => replyTo({ respond: body.response_url ? respond : undefined, client, userId: body.user.id, text });
    const choice = parseManageValue(action.selected_option?.value);
    const teamId = context.teamId ?? body.team?.id;
    const plan = choice && teamId ? await findPlan(deps.db, teamId, choice.planId) : undefined;
    if (!choice || !plan || plan.deletedAt) return void (await tell('That plan no longer exists in this workspace.'));
    const userId = body.user.id;
    try {
      const refusal = await refusalToManage({ ...deps, client }, plan, userId, VERBS[choice.option]);
      if (refusal) return void (await tell(refusal));
      switch (choice.option) {
        case 'edit_brief': {
          if (!canEditBrief(plan)) return void (await tell(`Plan #${plan.number} was approved or has ended, so its brief can no longer be edited.`));
          await openModal(client, {
            triggerId: body.trigger_id,
            view: buildPlanModal({
              topic: plan.topic,
              postChannelId: plan.postChannelId,
              defaultChannels: plan.channels,
              edit: { planId: plan.id, number: plan.number, brief: plan },
            }),
          });
          return;
        }
        case 'cancel': {
          await cancelPlan({ db: deps.db, teamId: plan.teamId, planId: plan.id, actorId: userId });
          await requestRender(deps, plan.teamId, plan.id, 0);
          await requestHomeRefresh(deps, plan.teamId, plan.authorId);
          return void (await tell(`Plan #${plan.number} is cancelled; nothing more will run for it.`));
        }
        case 'delete':
          await openModal(client, { triggerId: body.trigger_id, view: buildDeletePlanModal(plan) });
          return;
      }
    } catch (error) {
      if (!isAppError(error, 'CONFLICT') && !isAppError(error, 'NOT_FOUND') && !isAdminCheckUnavailable(error)) throw error;
      await tell(error.message);
    }
  });

  app.view(DELETE_PLAN_MODAL.callbackId, async ({ ack, body, view, client, context }) => {
    const teamId = context.teamId ?? body.team?.id;
    const planId = parsePlanIdMetadata(view.private_metadata);
    const plan = teamId && planId ? await findPlan(deps.db, teamId, planId) : undefined;
    const refuse = (text: string) => ack({ response_action: 'update', view: { type: 'modal', title: { type: 'plain_text', text: 'Not deleted' }, blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }] } });
    if (!plan || plan.deletedAt) return void (await refuse('That plan no longer exists in this workspace.'));
    try {
      const refusal = await refusalToManage({ ...deps, client }, plan, body.user.id, 'delete');
      if (refusal) return void (await refuse(refusal));
      await deletePlan({ db: deps.db, teamId: plan.teamId, planId: plan.id, actorId: body.user.id, now: deps.now() });
    } catch (error) {
      if (!isAppError(error, 'CONFLICT') && !isAppError(error, 'NOT_FOUND') && !isAdminCheckUnavailable(error)) throw error;
      return void (await refuse(error.message));
    }
    await ack();
    await requestRender(deps, plan.teamId, plan.id, 0);
    for (const userId of new Set([plan.authorId, body.user.id])) await requestHomeRefresh(deps, plan.teamId, userId);
  });

  app.view(PLAN_MODAL.editCallbackId, async ({ ack, body, view, client, context }) => {
    const topicError = (text: string) => ack({ response_action: 'errors', errors: { [PLAN_MODAL.blocks.topic]: text } });
    const submission = parsePlanSubmission(view);
    if (!submission.ok) return void (await ack({ response_action: 'errors', errors: submission.errors as Record<string, string> }));
    const teamId = context.teamId ?? body.team?.id;
    const planId = submission.metadata.planId;
    const plan = teamId && planId ? await findPlan(deps.db, teamId, planId) : undefined;
    if (!plan || plan.deletedAt) return void (await topicError('That plan no longer exists in this workspace.'));
    const userId = body.user.id;
    let outcome: Awaited<ReturnType<typeof editPlanBrief>>;
    try {
      const refusal = await refusalToManage({ ...deps, client }, plan, userId, 'edit');
      if (refusal) return void (await topicError(refusal));
      await assertWithinRateLimit(limiterOf(deps), { kind: 'edit_brief', teamId: plan.teamId, planId: plan.id, planNumber: plan.number });
      const settings = await getWorkspaceSettings(deps.db, plan.teamId);
      outcome = await editPlanBrief({
        db: deps.db,
        teamId: plan.teamId,
        planId: plan.id,
        actorId: userId,
        fields: toBriefFields(submission.input, settings.defaultTone),
        maxAttempts: deps.maxAttempts,
      });
    } catch (error) {
      if (!isAppError(error, 'CONFLICT') && !isAppError(error, 'NOT_FOUND') && !isAppError(error, 'RATE_LIMITED') && !isAdminCheckUnavailable(error)) throw error;
      return void (await topicError(error.message));
    }
    await ack();
    await requestRender(deps, plan.teamId, plan.id, 0);
    if (outcome.edit.isMoved) {
      await requestPlanMove(deps, { teamId: plan.teamId, planId: plan.id, channelId: submission.input.postChannelId, actorId: userId });
    }
  });
}

function toBriefFields(input: PlanInput, defaultTone: string | null): BriefFields {
  return { ...input, tone: input.tone ?? defaultTone };
}
