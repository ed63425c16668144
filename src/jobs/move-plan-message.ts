import type { Task } from 'graphile-worker';
import { buildMovedNotice } from '../bot/blocks/plan-manage.ts';
import { buildPlanView } from '../bot/blocks/plan-view.ts';
import { findChannelPrivacy } from '../bot/services/post-plan-message.ts';
import { loadPlanSnapshot } from '../db/plan-snapshot.ts';
import { movePlanMessage, setPlanChannelPrivacy } from '../db/plans.ts';
import { forgetThreadReplies } from '../db/thread-replies.ts';
import type { JobDeps } from './deps.ts';
import { moveJobPayload, parsePayload } from './payloads.ts';
import { requestRender } from './queue.ts';

/**
 * After the brief named a new post-in channel: posts the plan's message there, moves its thread
 * replies with it (they are posted again under the new message) and turns the old message into a
 * link to the new one. When Slack refuses the post, the plan stays where it was and whoever edited
 * the brief is told why in a direct message.
 */
export function makeMovePlanMessage(deps: Pick<JobDeps, 'db' | 'logger' | 'enqueue' | 'slackFor' | 'now'>): Task {
  return async (payload) => {
    const { teamId, planId, channelId, actorId } = parsePayload(moveJobPayload, payload);
    const snapshot = await loadPlanSnapshot(deps.db, { teamId, planId });
    const plan = snapshot?.plan;
    if (!snapshot || !plan || plan.deletedAt || plan.messageChannelId === channelId) return;
    const slack = await deps.slackFor(teamId);
    const { message } = buildPlanView(snapshot);
    let posted: { ts: string; channel: string };
    try {
      const result = await slack.chat.postMessage({ channel: channelId, ...message, unfurl_links: false });
      if (!result.ts) throw new Error('chat.postMessage returned no ts');
      posted = { ts: result.ts, channel: result.channel ?? channelId };
    } catch (error) {
      const slackError = (error as { data?: { error?: string } }).data?.error ?? 'unknown_error';
      deps.logger.warn({ err: error, planId, channelId }, 'could not post the moved plan message');
      const text = `I couldn't move plan #${plan.number} to <#${channelId}> (Slack said \`${slackError}\`). Invite me there with \`/invite @Content Broadcaster\`, then edit the brief again.`;
      await slack.chat.postMessage({ channel: actorId, text }).catch(() => undefined);
      return;
    }
    const permalink = await slack.chat
      .getPermalink({ channel: posted.channel, message_ts: posted.ts })
      .then((result) => result.permalink ?? null)
      .catch(() => null);
    await deps.db.transaction(async (tx) => {
      await movePlanMessage(tx, { teamId, planId, channelId: posted.channel, ts: posted.ts, permalink });
      await forgetThreadReplies(tx, { teamId, planId });
    });
    await setPlanChannelPrivacy(deps.db, { teamId, planId, isPrivate: await findChannelPrivacy(slack, posted.channel) });
    if (plan.messageChannelId && plan.messageTs) {
      const notice = buildMovedNotice({ number: plan.number, topic: plan.topic, channelId: posted.channel, permalink });
      await slack.chat.update({ channel: plan.messageChannelId, ts: plan.messageTs, ...notice }).catch((error: unknown) => {
        deps.logger.warn({ err: error, planId }, 'could not point the old plan message to the new one');
      });
    }
    await requestRender(deps, teamId, planId, 0);
  };
}
