import type { App, RespondFn } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import { findPlanByNumber, listRecentPlans, type Plan } from '../../../db/plans.ts';
import { getWorkspaceSettings } from '../../../db/settings.ts';
import { isChannelId } from '../../../domain/channels.ts';
import { buildHelp, buildPlanList, buildPlanNotFound, buildPlanStatus, type PlanSummary } from '../../blocks/plan-list.ts';
import type { BotDeps } from '../../deps.ts';
import { COMMAND } from '../../ids.ts';
import { filterVisiblePlans } from '../../services/plan-visibility.ts';
import { buildPlanModal } from '../../views/plan-modal.ts';
import { parseContentCommand } from './parse-command.ts';

export function registerContentCommand(app: App, deps: BotDeps): void {
  app.command(COMMAND, async ({ command, ack, client, respond, context }) => {
    const teamId = context.teamId ?? command.team_id;
    const parsed = parseContentCommand(command.text ?? '');
    switch (parsed.kind) {
      case 'help':
        return ack(buildHelp(parsed.unknown));
      case 'list': {
        const recent = await listRecentPlans(deps.db, teamId, { limit: 50 });
        const plans = await filterVisiblePlans({ deps, client, teamId, userId: command.user_id, plans: recent });
        return ack(buildPlanList(plans.slice(0, 15).map(toSummary)));
      }
      case 'status': {
        const number = Number.parseInt(parsed.number, 10);
        const found = Number.isSafeInteger(number) && number > 0 ? await findPlanByNumber(deps.db, teamId, number) : undefined;
        // A plan the person may not see is answered like one that does not exist.
        const [plan] = found ? await filterVisiblePlans({ deps, client, teamId, userId: command.user_id, plans: [found] }) : [];
        return ack(plan ? buildPlanStatus(toSummary(plan)) : buildPlanNotFound(parsed.number));
      }
      case 'new':
        await ack();
        await openPlanModal({ client, deps, teamId, triggerId: command.trigger_id, topic: parsed.topic, channelId: command.channel_id, respond });
    }
  });
}

export async function openPlanModal({
  client,
  deps,
  teamId,
  triggerId,
  topic,
  channelId,
  respond,
}: {
  client: WebClient;
  deps: BotDeps;
  teamId: string;
  triggerId: string;
  topic: string | undefined;
  channelId: string | undefined;
  respond?: RespondFn;
}): Promise<void> {
  const settings = await getWorkspaceSettings(deps.db, teamId);
  const view = buildPlanModal({
    topic,
    postChannelId: channelId ?? settings.defaultChannelId ?? undefined,
    originChannelId: channelId,
    defaultChannels: settings.defaultChannels.filter(isChannelId),
  });
  try {
    await client.views.open({ trigger_id: triggerId, view });
  } catch (error) {
    deps.logger.warn({ err: error }, 'could not open the plan modal');
    await respond?.({
      response_type: 'ephemeral',
      text: `I couldn't open the form in time. Please run \`${COMMAND}\` again.`,
    }).catch(() => undefined);
  }
}

export function toSummary(plan: Plan): PlanSummary {
  return {
    number: plan.number,
    topic: plan.topic,
    status: plan.status,
    seoScore: plan.seoScore,
    permalink: plan.messagePermalink,
  };
}
