import type { App } from '@slack/bolt';
import type { CreatedPlan } from '../../../db/plans.ts';
import { isAppError } from '../../../errors.ts';
import { makePlanSettings } from '../../../domain/settings.ts';
import { newPlanJobs } from '../../../jobs/queue.ts';
import type { BotDeps } from '../../deps.ts';
import { PLAN_MODAL } from '../../ids.ts';
import { parsePlanSubmission } from '../../views/plan-modal.ts';

const SAVE_FAILED = "I couldn't save the plan just now. Your answers are still here: press Create again in a moment.";

export function registerPlanModalSubmission(app: App, deps: BotDeps): void {
  app.view(PLAN_MODAL.callbackId, async ({ ack, body, view, context }) => {
    const submission = parsePlanSubmission(view);
    if (!submission.ok) {
      await ack({ response_action: 'errors', errors: submission.errors as Record<string, string> });
      return;
    }
    const teamId = context.teamId ?? body.team?.id;
    if (!teamId) {
      await ack({ response_action: 'errors', errors: { [PLAN_MODAL.blocks.topic]: 'This workspace could not be identified.' } });
      return;
    }
    const { input, metadata } = submission;

    let saved: CreatedPlan;
    try {
      saved = await deps.planSaver.save({
        teamId,
        // A retried or duplicated submission of the same modal carries the same view id.
        sourceKey: `view:${view.id}`,
        fields: (settings) => ({
          authorId: body.user.id,
          topic: input.topic,
          keyphrase: input.keyphrase,
          keywords: input.keywords,
          audience: input.audience,
          tone: input.tone ?? settings.defaultTone,
          channels: input.channels,
          competitorUrls: input.competitorUrls,
          brief: input.brief,
          skipResearch: input.skipResearch,
          postChannelId: input.postChannelId,
          settings: makePlanSettings(settings, deps.envApprovers),
        }),
        // Its research and the post of its message, queued by the plan starter after the ack.
        firstJobs: (plan) => newPlanJobs(plan, { maxAttempts: deps.maxAttempts, channelId: input.postChannelId, fallbackChannelId: metadata.originChannelId || null }),
        hourlyLimit: deps.planRateLimitPerHour,
        now: deps.now(),
      });
    } catch (error) {
      if (isAppError(error, 'RATE_LIMITED')) {
        const message = `${error.message} Your answers are still here: try again in a few minutes.`;
        await ack({ response_action: 'errors', errors: { [PLAN_MODAL.blocks.topic]: message } });
        return;
      }
      deps.logger.error({ err: error }, 'could not save a plan');
      await ack({ response_action: 'errors', errors: { [PLAN_MODAL.blocks.topic]: SAVE_FAILED } });
      return;
    }
    await ack();
    if (saved.isNew) deps.planStarter.start(saved.plan.id);
  });
}
