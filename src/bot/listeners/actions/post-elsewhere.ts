import type { App, BlockAction, ButtonAction, ConversationsSelectAction } from '@slack/bolt';
import { findPlan } from '../../../db/plans.ts';
import type { BotDeps } from '../../deps.ts';
import { ACTIONS, BLOCKS } from '../../ids.ts';
import { postPlanRootMessage } from '../../services/post-plan-message.ts';

/** The author picks another channel for a plan whose message could not be posted. */
export function registerPostElsewhere(app: App, deps: BotDeps): void {
  app.action<BlockAction<ButtonAction>>(ACTIONS.postElsewhere, async ({ ack, action, body, client, context, respond }) => {
    await ack();
    const [planId = '', channelId = ''] = action.value?.split(':') ?? [];
    await postElsewhere({ planId, channelId, userId: body.user.id, teamId: context.teamId ?? body.team?.id, client, respond });
  });

  app.action<BlockAction<ConversationsSelectAction>>(
    ACTIONS.postElsewhereChannel,
    async ({ ack, action, body, client, context, respond }) => {
      await ack();
      const planId = action.block_id.startsWith(`${BLOCKS.postElsewhere}:`) ? action.block_id.slice(BLOCKS.postElsewhere.length + 1) : '';
      await postElsewhere({
        planId,
        channelId: action.selected_conversation,
        userId: body.user.id,
        teamId: context.teamId ?? body.team?.id,
        client,
        respond,
      });
    },
  );

  async function postElsewhere({
    planId,
    channelId,
    userId,
    teamId,
    client,
    respond,
  }: {
    planId: string;
    channelId: string;
    userId: string;
    teamId: string | undefined;
    client: Parameters<typeof postPlanRootMessage>[0]['client'];
    respond: (message: { text: string; replace_original?: boolean; response_type?: 'ephemeral' }) => Promise<unknown>;
  }): Promise<void> {
    const plan = teamId ? await findPlan(deps.db, teamId, planId) : undefined;
    const say = (text: string) => respond({ text, response_type: 'ephemeral', replace_original: true }).catch(() => undefined);
    if (!plan || !channelId) return void (await say('That plan is no longer available.'));
    if (plan.authorId !== userId) return void (await say('Only the plan’s author can choose where it is posted.'));
    if (plan.messageTs) return void (await say(`Plan #${plan.number} is already posted.`));
    const isPosted = await postPlanRootMessage({ client, deps, plan, channelId, fallbackChannelId: null });
    if (isPosted) await say(`Posted plan #${plan.number} in <#${channelId}>.`);
  }
}
