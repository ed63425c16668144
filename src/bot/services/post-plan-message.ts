import type { WebClient } from '@slack/web-api';
import { newPlanSnapshot } from '../../db/plan-snapshot.ts';
import { setPlanChannelPrivacy, setPlanMessage, type Plan } from '../../db/plans.ts';
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

/** Whether a channel is private, from conversations.info; null when Slack cannot say. */
export async function findChannelPrivacy(client: WebClient, channel: string): Promise<boolean | null> {
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
