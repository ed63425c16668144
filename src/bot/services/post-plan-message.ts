import type { WebClient } from '@slack/web-api';
import { loadPlanSnapshot, newPlanSnapshot } from '../../db/plan-snapshot.ts';
import { movePlanMessage, setPlanChannelPrivacy, setPlanMessage, type Plan } from '../../db/plans.ts';
import { forgetThreadReplies } from '../../db/thread-replies.ts';
import { buildMovedNotice } from '../blocks/plan-manage.ts';
import { requestRender } from '../../jobs/queue.ts';
import { buildPostFailedMessage } from '../blocks/post-failed.ts';
import { buildPlanView } from '../blocks/plan-view.ts';
import type { BotDeps } from '../deps.ts';

/**
 * Posts the plan's root message and records where it is. When Slack refuses (for example
 * the app is not in the channel) the plan is kept and its author is told how to fix it.
 */
export async function postPlanRootMessage({
  client,
  deps,
  plan,
  channelId,
  fallbackChannelId,
}: {
  client: WebClient;
  deps: Pick<BotDeps, 'db' | 'logger' | 'enqueue' | 'now'>;
  plan: Plan;
  channelId: string;
  fallbackChannelId: string | null;
}): Promise<boolean> {
  const { message } = buildPlanView(newPlanSnapshot(plan));
  try {
    const posted = await client.chat.postMessage({ channel: channelId, ...message, unfurl_links: false });
    const ts = posted.ts;
    const postedChannel = posted.channel ?? channelId;
    if (!ts) throw new Error('chat.postMessage returned no ts');
    const permalink = await client.chat
      .getPermalink({ channel: postedChannel, message_ts: ts })
      .then((result) => result.permalink ?? null)
      .catch(() => null);
    await setPlanMessage(deps.db, { teamId: plan.teamId, planId: plan.id, channelId: postedChannel, ts, permalink });
    await setPlanChannelPrivacy(deps.db, { teamId: plan.teamId, planId: plan.id, isPrivate: await findChannelPrivacy(client, postedChannel) });
    // The pipeline may already have moved on while the message was being posted.
    await requestRender(deps, plan.teamId, plan.id, 0);
    return true;
  } catch (error) {
    const slackError = (error as { data?: { error?: string } }).data?.error ?? 'unknown_error';
    deps.logger.warn({ err: error, planId: plan.id, channelId }, 'could not post the plan message');
    await tellAuthorPostFailed({ client, deps, plan, channelId, fallbackChannelId, slackError });
    return false;
  }
}

/**
 * After the brief moved the plan to another channel: posts its message there, moves its thread
 * replies with it (they are posted again under the new message), and turns the old message into a
 * link to the new one. Returns false (and tells nobody; the caller does) when Slack refuses the post.
 */
export async function movePlanRootMessage({
  client,
  deps,
  plan,
  channelId,
}: {
  client: WebClient;
  deps: Pick<BotDeps, 'db' | 'logger' | 'enqueue' | 'now'>;
  plan: Plan;
  channelId: string;
}): Promise<boolean> {
  const snapshot = await loadPlanSnapshot(deps.db, { teamId: plan.teamId, planId: plan.id });
  const { message } = buildPlanView(snapshot ?? newPlanSnapshot(plan));
  let posted: { ts: string; channel: string };
  try {
    const result = await client.chat.postMessage({ channel: channelId, ...message, unfurl_links: false });
    if (!result.ts) throw new Error('chat.postMessage returned no ts');
    posted = { ts: result.ts, channel: result.channel ?? channelId };
  } catch (error) {
    deps.logger.warn({ err: error, planId: plan.id, channelId }, 'could not post the moved plan message');
    return false;
  }
  const permalink = await client.chat
    .getPermalink({ channel: posted.channel, message_ts: posted.ts })
    .then((result) => result.permalink ?? null)
    .catch(() => null);
  await deps.db.transaction(async (tx) => {
    await movePlanMessage(tx, { teamId: plan.teamId, planId: plan.id, channelId: posted.channel, ts: posted.ts, permalink });
    await forgetThreadReplies(tx, { teamId: plan.teamId, planId: plan.id });
  });
  await setPlanChannelPrivacy(deps.db, { teamId: plan.teamId, planId: plan.id, isPrivate: await findChannelPrivacy(client, posted.channel) });
  if (plan.messageChannelId && plan.messageTs) {
    const notice = buildMovedNotice({ number: plan.number, topic: plan.topic, channelId: posted.channel, permalink });
    await client.chat.update({ channel: plan.messageChannelId, ts: plan.messageTs, ...notice }).catch((error: unknown) => {
      deps.logger.warn({ err: error, planId: plan.id }, 'could not point the old plan message to the new one');
    });
  }
  await requestRender(deps, plan.teamId, plan.id, 0);
  return true;
}

/** Whether a channel is private, from conversations.info; null when Slack cannot say. */
async function findChannelPrivacy(client: WebClient, channel: string): Promise<boolean | null> {
  try {
    const { channel: info } = await client.conversations.info({ channel });
    return typeof info?.is_private === 'boolean' ? info.is_private || Boolean(info.is_im || info.is_mpim) : null;
  } catch {
    return null;
  }
}

async function tellAuthorPostFailed({
  client,
  deps,
  plan,
  channelId,
  fallbackChannelId,
  slackError,
}: {
  client: WebClient;
  deps: Pick<BotDeps, 'logger'>;
  plan: Plan;
  channelId: string;
  fallbackChannelId: string | null;
  slackError: string;
}): Promise<void> {
  const message = buildPostFailedMessage({ planId: plan.id, number: plan.number, channelId, slackError, fallbackChannelId });
  if (fallbackChannelId && fallbackChannelId !== channelId) {
    try {
      await client.chat.postEphemeral({ channel: fallbackChannelId, user: plan.authorId, ...message });
      return;
    } catch (error) {
      deps.logger.warn({ err: error }, 'could not send the ephemeral notice; sending a direct message instead');
    }
  }
  await client.chat.postMessage({ channel: plan.authorId, ...message }).catch((error: unknown) => {
    deps.logger.error({ err: error, planId: plan.id }, 'could not tell the author that the plan message failed');
  });
}
