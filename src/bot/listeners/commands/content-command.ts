import type { App, BlockAction, ButtonAction, RespondFn } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import { findPlanByNumber, listPlansFiltered, type Plan } from '../../../db/plans.ts';
import { isChannelId } from '../../../domain/channels.ts';
import {
  buildHelp,
  buildPlanList,
  buildPlanNotFound,
  buildPlanStatus,
  buildUsage,
  PLAN_LIST_PAGE_SIZE,
  type PlanDetails,
  type PlanSummary,
} from '../../blocks/plan-list.ts';
import type { BotDeps } from '../../deps.ts';
import { CALENDAR_ACTIONS, COMMAND } from '../../ids.ts';
import { filterVisiblePlans } from '../../services/plan-visibility.ts';
import { loadCalendar } from '../../services/calendar.ts';
import { buildCalendarReply, calendarPagerPattern, parseCalendarPageValue } from '../../blocks/calendar.ts';
import { buildPlanModal } from '../../views/plan-modal.ts';
import { parseContentCommand } from './parse-command.ts';
import { openModal } from '../../services/open-modal.ts';

/** How many of the newest matching plans a list looks through (before visibility and paging). */
const LIST_SCAN_LIMIT = 500;

export function registerContentCommand(app: App, deps: BotDeps): void {
  app.command(COMMAND, async ({ command, ack, client, respond, context }) => {
    const teamId = context.teamId ?? command.team_id;
    const parsed = parseContentCommand(command.text ?? '');
    switch (parsed.kind) {
      case 'help':
        return ack(buildHelp(parsed.unknown));
      case 'usage':
        return ack(buildUsage(parsed.command, parsed.problem));
      case 'list': {
        const { filter, page } = parsed;
        const candidates = await listPlansFiltered(deps.db, { teamId, filter, userId: command.user_id, limit: LIST_SCAN_LIMIT });
        const plans = await filterVisiblePlans({ deps, client, teamId, userId: command.user_id, plans: candidates });
        const start = (page - 1) * PLAN_LIST_PAGE_SIZE;
        return ack(
          buildPlanList({ plans: plans.slice(start, start + PLAN_LIST_PAGE_SIZE).map(toSummary), filter, page, hasMore: plans.length > start + PLAN_LIST_PAGE_SIZE }),
        );
      }
      case 'status': {
        const found = await findPlanByNumber(deps.db, teamId, parsed.number);
        // A plan the person may not see, or one deleted, is answered like one that does not exist.
        const [plan] = found && !found.deletedAt ? await filterVisiblePlans({ deps, client, teamId, userId: command.user_id, plans: [found] }) : [];
        return ack(plan ? buildPlanStatus(toDetails(plan)) : buildPlanNotFound(String(parsed.number)));
      }
      case 'calendar': {
        const model = await loadCalendar({ deps, client, teamId, userId: command.user_id, page: { period: parsed.period, offset: 0 }, now: deps.now() });
        return ack(buildCalendarReply(model));
      }
      case 'new':
        await ack();
        await openPlanModal({ client, deps, teamId, triggerId: command.trigger_id, topic: parsed.topic, channelId: command.channel_id, respond });
    }
  });
}

/** Previous / This / Next on a `/content calendar` answer: the answer is replaced by that page. */
export function registerCalendarPager(app: App, deps: BotDeps): void {
  app.action<BlockAction<ButtonAction>>(calendarPagerPattern(CALENDAR_ACTIONS.page), async ({ ack, action, body, client, context, respond }) => {
    await ack();
    const page = parseCalendarPageValue(action.value);
    const teamId = context.teamId ?? body.team?.id;
    if (!page || !teamId) return;
    const model = await loadCalendar({ deps, client, teamId, userId: body.user.id, page, now: deps.now() });
    await respond({ ...buildCalendarReply(model), replace_original: true });
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
  const settings = await deps.settingsCache.get(teamId);
  const view = buildPlanModal({
    topic,
    postChannelId: channelId ?? settings.defaultChannelId ?? undefined,
    originChannelId: channelId,
    defaultChannels: settings.defaultChannels.filter(isChannelId),
  });
  try {
    await openModal(client, { triggerId, view });
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

function toDetails(plan: Plan): PlanDetails {
  return {
    ...toSummary(plan),
    authorId: plan.authorId,
    createdAt: plan.createdAt,
    channels: plan.channels,
    revision: plan.revision,
    scheduledAt: plan.scheduledAt,
    error: plan.error,
  };
}
