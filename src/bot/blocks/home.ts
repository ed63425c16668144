import type { ActionsBlock, Button, HomeView, KnownBlock } from '@slack/types';
import { z } from 'zod';
import type { DestinationKind } from '../../db/schema.ts';
import type { WorkspaceSettings } from '../../db/settings.ts';
import { CHANNEL_LABELS, isChannelId } from '../../domain/channels.ts';
import { STATUS_LABELS, type PlanStatus } from '../../domain/plan-states.ts';
import { isPromptName } from '../../orchestrator/prompts/templates.ts';
import { ACTIONS, CALENDAR_ACTIONS, decisionButtonValue, HOME_ACTIONS, HOME_LISTS, type HomeList, SETTINGS_GROUP_LABELS, SETTINGS_GROUPS, type SettingsGroup } from '../ids.ts';
import { buildConnectedAccountsBlocks, CONNECTED_ACCOUNTS_MAX_BLOCKS, type ConnectedAccountsModel } from './connected-accounts.ts';
import { buildDashboardBlocks, DASHBOARD_MAX_BLOCKS, type Dashboard } from './dashboard.ts';
import { buildCalendarBlocks, CALENDAR_HOME_MAX_BLOCKS, type CalendarModel } from './calendar.ts';
import { clampCalendarPage, isCalendarPeriod, type CalendarPage } from '../../domain/calendar.ts';
import { buildTeamViewBlocks, TEAM_VIEW_MAX_BLOCKS, type TeamView } from './team-view.ts';
import { button, context, escapeMrkdwn, formatNumber, plain, section, truncate } from './format.ts';

/** Plans per page in each Home list; the caller fetches one more to know whether there is a next page. */
export const HOME_PAGE_SIZE = 8;
const MAX_PAGE = 1000;

/**
 * The most blocks buildHomeView returns (Slack allows 100): the top, both full lists with pagers
 * (a waiting plan takes two blocks), the calendar, the settings and the dashboard, each after a divider.
 */
export const HOME_MAX_BLOCKS =
  2 + (2 + HOME_PAGE_SIZE) + (3 + 2 * HOME_PAGE_SIZE) + (1 + CALENDAR_HOME_MAX_BLOCKS) + (1 + TEAM_VIEW_MAX_BLOCKS) + (2 + 6 + 1) + (1 + CONNECTED_ACCOUNTS_MAX_BLOCKS) + (1 + DASHBOARD_MAX_BLOCKS);

export type HomePlan = { id: string; number: number; revision: number; topic: string; status: PlanStatus; seoScore: number | null; permalink: string | null };

/** One page of a list; `page` counts from 1. */
export type HomePlanPage = { plans: HomePlan[]; page: number; hasMore: boolean };

/** What the Settings section summarises: the workspace's settings and its destinations (no secrets). */
export type SettingsSummary = Pick<
  WorkspaceSettings,
  | 'approvers'
  | 'admins'
  | 'requiredApprovals'
  | 'allowSelfApproval'
  | 'defaultChannelId'
  | 'defaultChannels'
  | 'defaultTone'
  | 'targetWords'
  | 'brandVoice'
  | 'seoThreshold'
  | 'readabilityThreshold'
  | 'maxRefinements'
  | 'promptOverrides'
> & { destinations: { kind: DestinationKind; name: string }[] };

export type HomeModel = {
  isAdmin: boolean;
  isApprover: boolean;
  myPlans: HomePlanPage;
  /** Plans waiting for this approver's decision; shown only when `isApprover`. */
  waiting: HomePlanPage | null;
  /** Shown only to admins; null there says it could not be loaded. */
  settings: SettingsSummary | null;
  /** Shown only to admins; null there says it could not be loaded. */
  dashboard: Dashboard | null;
  /** X and LinkedIn accounts, shown only to admins; left out where the app builds no connect links. */
  accounts?: ConnectedAccountsModel;
  /** What is scheduled and published this week (or the page chosen), as this person may see it; null when not loaded. */
  calendar?: CalendarModel | null;
  /** The content team's figures, for approvers and admins; null when not shown or not loaded. */
  teamView?: TeamView | null;
};

/** The pages the Home shows, kept in its private_metadata so paging one list keeps the other's page. */
export type HomePages = { myPlans: number; waiting: number; calendar?: CalendarPage };

/**
 * The App Home for one person. Everyone: New plan and their plans. Approvers: what waits for them.
 * Admins: settings and the last 30 days. At most HOME_MAX_BLOCKS blocks in any combination.
 */
export function buildHomeView(model: HomeModel): HomeView {
  const blocks: KnownBlock[] = [
    {
      type: 'section',
      text: { type: 'mrkdwn', text: '*Content Broadcaster*\nResearch, draft, optimise and publish content without leaving Slack.' },
      accessory: button('New plan', ACTIONS.newPlan, 'home', 'primary'),
    },
    { type: 'divider' },
    ...buildMyPlans(model.myPlans),
  ];
  if (model.isApprover && model.waiting !== null) blocks.push({ type: 'divider' }, ...buildWaiting(model.waiting));
  if (model.calendar !== undefined) blocks.push({ type: 'divider' }, ...buildHomeCalendar(model.calendar));
  if ((model.isApprover || model.isAdmin) && model.teamView) blocks.push({ type: 'divider' }, ...buildTeamViewBlocks(model.teamView));
  if (model.isAdmin) {
    blocks.push({ type: 'divider' }, ...buildSettingsSection(model.settings));
    if (model.accounts) blocks.push({ type: 'divider' }, ...buildConnectedAccountsBlocks(model.accounts));
    blocks.push({ type: 'divider' });
    if (model.dashboard === null) {
      blocks.push({ type: 'header', text: plain('Last 30 days') }, context('The figures could not be loaded just now. Open the Home tab again in a minute.'));
    } else {
      blocks.push(...buildDashboardBlocks(model.dashboard));
    }
  }
  const pages: HomePages = {
    myPlans: pageOf(model.myPlans),
    waiting: model.waiting === null ? 1 : pageOf(model.waiting),
    ...(model.calendar ? { calendar: { period: model.calendar.range.period, offset: model.calendar.range.offset } } : {}),
  };
  return { type: 'home', private_metadata: JSON.stringify(pages), blocks };
}

function buildHomeCalendar(calendar: CalendarModel | null): KnownBlock[] {
  if (calendar === null) return [{ type: 'header', text: plain('Calendar') }, context('The calendar could not be loaded just now. Open the Home tab again in a minute.')];
  return buildCalendarBlocks(calendar, { maxBlocks: CALENDAR_HOME_MAX_BLOCKS, pageActionId: CALENDAR_ACTIONS.homePage });
}

function buildMyPlans(list: HomePlanPage): KnownBlock[] {
  const { plans, page, hasMore } = pageContent(list);
  const blocks: KnownBlock[] = [{ type: 'header', text: plain('Your plans') }];
  if (plans.length === 0) {
    blocks.push(
      context(page > 1 ? 'No more plans on this page.' : 'No plans yet. Press *New plan*, or type `/content` in any channel.'),
    );
  }
  for (const plan of plans) {
    const line = formatPlanLine(plan);
    blocks.push(plan.permalink ? { ...section(line), accessory: openButton(plan, plan.permalink) } : section(line));
  }
  const pager = buildPager('my_plans', page, hasMore);
  if (pager) blocks.push(pager);
  return blocks;
}

function buildWaiting(list: HomePlanPage): KnownBlock[] {
  const { plans, page, hasMore } = pageContent(list);
  const blocks: KnownBlock[] = [{ type: 'header', text: plain('Waiting for you') }];
  if (plans.length === 0) {
    blocks.push(context(page > 1 ? 'No more plans on this page.' : 'Nothing waits for your decision. Plans in review show up here.'));
  }
  for (const plan of plans) {
    const approve: Button = {
      ...button('Approve', ACTIONS.approve, decisionButtonValue(plan), 'primary'),
      confirm: {
        title: plain(`Approve #${plan.number}?`),
        text: plain(`This records your approval of "${truncate(plan.topic, 120)}". To read it first, choose Not yet and then Open.`),
        confirm: plain('Approve'),
        deny: plain('Not yet'),
      },
    };
    blocks.push(section(formatPlanLine(plan)), {
      type: 'actions',
      elements: plan.permalink ? [approve, openButton(plan, plan.permalink)] : [approve],
    });
  }
  const pager = buildPager('waiting', page, hasMore);
  if (pager) blocks.push(pager);
  return blocks;
}

function buildSettingsSection(settings: SettingsSummary | null): KnownBlock[] {
  const blocks: KnownBlock[] = [{ type: 'header', text: plain('Settings') }];
  if (settings === null) {
    blocks.push(context('The settings could not be loaded just now. Open the Home tab again in a minute.'));
    return blocks;
  }
  const summaries = summarizeSettings(settings);
  for (const group of SETTINGS_GROUPS) {
    const text = `*${SETTINGS_GROUP_LABELS[group]}*\n${summaries[group]}`;
    blocks.push({ ...section(text), accessory: button('Edit', HOME_ACTIONS.openSettings, group) });
  }
  blocks.push(context('Only admins see this. Changes apply to plans created after them.'));
  return blocks;
}

/** One line per settings group, as the Home shows it. */
export function summarizeSettings(settings: SettingsSummary): Record<SettingsGroup, string> {
  const approvals = `${settings.requiredApprovals} ${settings.requiredApprovals === 1 ? 'approval' : 'approvals'} per plan`;
  const approvers =
    settings.approvers.length > 0
      ? `Approvers ${mentionList(settings.approvers)}`
      : 'No approvers picked, so workspace admins and owners decide';
  const selfApproval = settings.allowSelfApproval ? 'self-approval allowed' : 'no self-approval';
  const admins = settings.admins.length > 0 ? ` · also admins: ${mentionList(settings.admins)}` : '';

  const postIn = settings.defaultChannelId && /^[CG][A-Z0-9]+$/.test(settings.defaultChannelId) ? `Posts in <#${settings.defaultChannelId}>` : 'No default channel';
  const channels = settings.defaultChannels.filter(isChannelId).map((channel) => CHANNEL_LABELS[channel]);
  const tone = settings.defaultTone ? `tone ${escapeMrkdwn(truncate(settings.defaultTone, 40))}` : 'no default tone';

  const voice = settings.brandVoice;
  const voiceSummary =
    voice === null
      ? 'Not set: plans use a neutral voice.'
      : [
          voice.description ? `"${escapeMrkdwn(truncate(voice.description.replace(/\s+/g, ' '), 80))}"` : 'No description',
          `${voice.dos.length} do ${voice.dos.length === 1 ? 'rule' : 'rules'}`,
          `${voice.donts.length} don't ${voice.donts.length === 1 ? 'rule' : 'rules'}`,
          `${voice.examples.length} ${voice.examples.length === 1 ? 'example' : 'examples'}`,
        ].join(' · ');

  const overridden = Object.keys(settings.promptOverrides).filter(isPromptName);
  const destinations = settings.destinations;
  const destinationNames = destinations.slice(0, 4).map((destination) => escapeMrkdwn(truncate(destination.name, 40)));
  const moreDestinations = destinations.length > 4 ? ` and ${destinations.length - 4} more` : '';

  return {
    approvers: `${approvers} · ${approvals} · ${selfApproval}${admins}`,
    defaults: `${postIn} · ${channels.length > 0 ? channels.join(', ') : 'no channels'} · ${tone} · ${formatNumber(settings.targetWords)} words`,
    brand_voice: voiceSummary,
    quality: `SEO ${settings.seoThreshold}+ · readability ${settings.readabilityThreshold}+ · up to ${settings.maxRefinements} ${settings.maxRefinements === 1 ? 'SEO pass' : 'SEO passes'}`,
    prompts: overridden.length === 0 ? 'Every stage uses the default prompt.' : `Your own version for: ${overridden.join(', ')}`,
    destinations:
      destinations.length === 0
        ? 'None yet: add a Slack channel, a webhook or a WordPress site.'
        : `${destinationNames.join(', ')}${moreDestinations}`,
  };
}

function formatPlanLine(plan: HomePlan): string {
  const score = plan.seoScore === null ? '' : ` · SEO ${plan.seoScore}`;
  return `*#${plan.number}* ${escapeMrkdwn(truncate(plan.topic.replace(/\s+/g, ' '), 80))} · ${STATUS_LABELS[plan.status]}${score}`;
}

function openButton(plan: HomePlan, permalink: string): Button {
  return { ...button('Open', ACTIONS.openPlan, plan.id), url: permalink.slice(0, 3000) };
}

function buildPager(list: HomeList, page: number, hasMore: boolean): ActionsBlock | null {
  const elements: Button[] = [];
  if (page > 1) elements.push(button('Back', HOME_ACTIONS.previousPage, `${list}:${page - 1}`));
  if (hasMore && page < MAX_PAGE) elements.push(button('More', HOME_ACTIONS.nextPage, `${list}:${page + 1}`));
  return elements.length === 0 ? null : { type: 'actions', elements };
}

function pageContent(list: HomePlanPage): HomePlanPage {
  return { plans: list.plans.slice(0, HOME_PAGE_SIZE), page: pageOf(list), hasMore: list.hasMore || list.plans.length > HOME_PAGE_SIZE };
}

function pageOf(list: HomePlanPage): number {
  return Number.isInteger(list.page) && list.page >= 1 ? Math.min(list.page, MAX_PAGE) : 1;
}

function mentionList(userIds: readonly string[], max = 5): string {
  const valid = userIds.filter((id) => /^[UW][A-Z0-9]+$/.test(id));
  const shown = valid.slice(0, max).map((id) => `<@${id}>`);
  return valid.length > max ? `${shown.join(', ')} and ${valid.length - max} more` : shown.join(', ');
}

const pageValueSchema = z
  .string()
  .regex(/^(my_plans|waiting):\d{1,4}$/)
  .transform((value) => {
    const [list, page] = value.split(':');
    return { list: z.enum(HOME_LISTS).parse(list), page: Number(page) };
  })
  .refine(({ page }) => page >= 1 && page <= MAX_PAGE);

/** A "More" or "Back" button's value (`my_plans:2`), or null when it is not one. */
export function parseHomePage(value: unknown): { list: HomeList; page: number } | null {
  const result = pageValueSchema.safeParse(value);
  return result.success ? result.data : null;
}

const calendarPageSchema = z
  .object({ period: z.string().refine(isCalendarPeriod), offset: z.number().int() })
  .transform((page) => clampCalendarPage({ period: isCalendarPeriod(page.period) ? page.period : 'week', offset: page.offset }));

const pagesSchema = z.object({
  myPlans: z.number().int().min(1).max(MAX_PAGE).catch(1),
  waiting: z.number().int().min(1).max(MAX_PAGE).catch(1),
  calendar: calendarPageSchema.optional().catch(undefined),
});

/** The pages a published Home showed (`body.view.private_metadata`); page 1 of each when unknown. */
export function parseHomePages(privateMetadata: string | undefined): HomePages {
  try {
    const result = pagesSchema.safeParse(JSON.parse(privateMetadata ?? ''));
    return result.success ? result.data : { myPlans: 1, waiting: 1 };
  } catch {
    return { myPlans: 1, waiting: 1 };
  }
}

/** A settings button's value, or null when it is not one of the groups. */
export function parseSettingsGroup(value: unknown): SettingsGroup | null {
  return SETTINGS_GROUPS.find((group) => group === value) ?? null;
}
