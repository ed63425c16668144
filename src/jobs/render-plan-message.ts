import { WebAPIRateLimitedError } from '@slack/web-api';
import type { Task } from 'graphile-worker';
import { findPlan } from '../db/plans.ts';
import { listStageRuns } from '../db/stage-runs.ts';
import { buildPlanMessage } from '../bot/blocks/plan-message.ts';
import { derivePlanMessageModel } from '../bot/blocks/plan-message-model.ts';
import type { JobDeps } from './deps.ts';
import { renderJobKey } from './enqueue.ts';
import { parsePayload, planJobPayload } from './payloads.ts';

/** Collapsed bursts render at most about once a second per plan. */
export const RENDER_DELAY_MS = 1_000;

export function requestRender(deps: Pick<JobDeps, 'enqueue' | 'now'>, teamId: string, planId: string, delayMs = RENDER_DELAY_MS) {
  return deps.enqueue(
    'render_plan_message',
    { teamId, planId },
    { jobKey: renderJobKey(planId), jobKeyMode: 'preserve_run_at', runAt: new Date(deps.now().getTime() + delayMs), maxAttempts: 10 },
  );
}

/** Renders the plan's root message from the database. */
export function makeRenderPlanMessage(deps: JobDeps): Task {
  return async (payload) => {
    const { teamId, planId } = parsePayload(planJobPayload, payload);
    const plan = await findPlan(deps.db, teamId, planId);
    if (!plan?.messageTs || !plan.messageChannelId) return;
    const runs = await listStageRuns(deps.db, teamId, planId);
    const message = buildPlanMessage(derivePlanMessageModel(plan, runs));
    const slack = await deps.slackFor(teamId);
    try {
      await slack.chat.update({ channel: plan.messageChannelId, ts: plan.messageTs, ...message });
    } catch (error) {
      if (!(error instanceof WebAPIRateLimitedError)) throw error;
      deps.logger.info({ planId, retryAfter: error.retryAfter }, 'chat.update rate limited; rendering later');
      await deps.enqueue(
        'render_plan_message',
        { teamId, planId },
        { jobKey: renderJobKey(planId), jobKeyMode: 'replace', runAt: new Date(deps.now().getTime() + error.retryAfter * 1000) },
      );
    }
  };
}
