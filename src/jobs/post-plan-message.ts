import type { Task } from 'graphile-worker';
import { postPlanRootMessage } from '../bot/services/post-plan-message.ts';
import { findPlan } from '../db/plans.ts';
import type { JobDeps } from './deps.ts';
import { parsePayload, postMessageJobPayload } from './payloads.ts';

/**
 * Posts a new plan's root message in the channel its author chose. A plan that already has its message
 * (a retry after the post was recorded) or was deleted meanwhile is left alone.
 */
export function makePostPlanMessage(deps: Pick<JobDeps, 'db' | 'logger' | 'enqueue' | 'slackFor' | 'now'>): Task {
  return async (payload) => {
    const { teamId, planId, channelId, fallbackChannelId } = parsePayload(postMessageJobPayload, payload);
    const plan = await findPlan(deps.db, teamId, planId);
    if (!plan || plan.messageTs || plan.deletedAt) return;
    const client = await deps.slackFor(teamId);
    await postPlanRootMessage({ client, deps, plan, channelId, fallbackChannelId });
  };
}
