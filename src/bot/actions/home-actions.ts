import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import { openPlanModal } from '../commands/content-command.ts';
import type { BotDeps } from '../deps.ts';
import { ACTIONS } from '../ids.ts';

export function registerHomeActions(app: App, deps: BotDeps): void {
  app.action<BlockAction<ButtonAction>>(ACTIONS.newPlan, async ({ ack, body, client, context }) => {
    await ack();
    const teamId = context.teamId ?? body.team?.id;
    if (!teamId) return;
    await openPlanModal({ client, deps, teamId, triggerId: body.trigger_id, topic: undefined, channelId: body.channel?.id });
  });
  // "Open" is a link button; Slack still sends the press, which only needs an ack.
  app.action(ACTIONS.openPlan, async ({ ack }) => ack());
}
