import type { KnownBlock } from '@slack/types';
import type { PlanListFilter } from '../../db/plans.ts';
import { CHANNEL_LABELS, isChannelId } from '../../domain/channels.ts';
import { STATUS_LABELS, isPlanStatus } from '../../domain/plan-states.ts';
import { COMMAND } from '../ids.ts';
import { context, escapeMrkdwn, section, slackDate, truncate } from './format.ts';

export type PlanSummary = {
  number: number;
  topic: string;
  status: string;
  seoScore: number | null;
  permalink: string | null;
};

/** What `/content status N` shows besides the summary line. */
export type PlanDetails = PlanSummary & {
  authorId: string;
  createdAt: Date;
  channels: readonly string[];
  revision: number;
  scheduledAt: Date | null;
  error: string | null;
};

/** One page of `/content list`; `page` counts from 1. */
export type PlanListPage = { plans: readonly PlanSummary[]; filter: PlanListFilter | null; page: number; hasMore: boolean };

export const PLAN_LIST_PAGE_SIZE = 10;

const FILTER_TITLES: Record<PlanListFilter, string> = {
  mine: 'Your plans',
  review: 'Plans waiting for approval',
  scheduled: 'Scheduled plans',
  published: 'Published plans',
  failed: 'Failed plans',
};

export type EphemeralReply = { response_type: 'ephemeral'; text: string; blocks: KnownBlock[] };

const MAX_LISTED = 20;

function planLine(plan: PlanSummary): string {
  const status = isPlanStatus(plan.status) ? STATUS_LABELS[plan.status] : plan.status;
  const topic = escapeMrkdwn(truncate(plan.topic, 80));
  const title = plan.permalink ? `<${plan.permalink}|${topic}>` : topic;
  const score = plan.seoScore === null ? '' : ` · SEO ${plan.seoScore}`;
  return `*#${plan.number}* ${title} · ${status}${score}`;
}

export function buildPlanList({ plans, filter, page, hasMore }: PlanListPage): EphemeralReply {
  const title = filter ? FILTER_TITLES[filter] : 'Recent plans';
  const command = `${COMMAND} list${filter ? ` ${filter}` : ''}`;
  if (plans.length === 0) {
    const text =
      page > 1
        ? `No more plans on page ${page}. \`${command}\` shows the first page.`
        : filter
          ? `${title}: none you can see.`
          : `No plans yet. Start one with \`${COMMAND}\`.`;
    return ephemeral(text, [section(text)]);
  }
  const lines = plans.slice(0, MAX_LISTED).map(planLine);
  const pages = [page > 1 ? `\`${command} ${page - 1}\` previous page` : null, hasMore ? `\`${command} ${page + 1}\` next page` : null].filter(Boolean);
  return ephemeral(`${title}: page ${page}`, [
    section(`*${title}*${page > 1 || hasMore ? ` · page ${page}` : ''}`),
    section(lines.join('\n')),
    context([...pages, `\`${COMMAND} status N\` shows one plan`, `filters: ${['mine', 'review', 'scheduled', 'published', 'failed'].join(', ')}`].join(' · ')),
  ]);
}

export function buildPlanStatus(plan: PlanDetails): EphemeralReply {
  const channels = plan.channels.map((channel) => (isChannelId(channel) ? CHANNEL_LABELS[channel] : channel)).join(', ');
  const facts = [
    `by <@${plan.authorId}> ${slackDate(plan.createdAt)}`,
    channels,
    plan.revision > 0 ? `revision ${plan.revision + 1}` : null,
    plan.scheduledAt && plan.status === 'scheduled' ? `scheduled for ${slackDate(plan.scheduledAt)}` : null,
  ].filter(Boolean);
  const blocks: KnownBlock[] = [section(planLine(plan)), context(facts.join(' · '))];
  if (plan.status === 'failed' && plan.error) blocks.push(section(`⚠️ ${escapeMrkdwn(truncate(plan.error, 500))}`));
  return ephemeral(`#${plan.number} ${plan.topic}: ${isPlanStatus(plan.status) ? STATUS_LABELS[plan.status] : plan.status}`, blocks);
}

/** A clear answer to arguments the command does not take. */
export function buildUsage(command: 'list' | 'status' | 'calendar', problem: string): EphemeralReply {
  const usage = {
    list: `\`${COMMAND} list [mine|review|scheduled|published|failed] [page]\`, for example \`${COMMAND} list review 2\``,
    status: `\`${COMMAND} status N\`, for example \`${COMMAND} status 12\``,
    calendar: `\`${COMMAND} calendar [week|month]\`, for example \`${COMMAND} calendar month\``,
  }[command];
  const text = `${problem} Usage: ${usage}`;
  return ephemeral(text, [section(`${escapeMrkdwn(problem)}\nUsage: ${usage}`)]);
}

export function buildPlanNotFound(number: string): EphemeralReply {
  const text = `There is no plan #${truncate(number, 20)} in this workspace. \`${COMMAND} list\` shows recent ones.`;
  return ephemeral(text, [section(escapeMrkdwn(text))]);
}

export function buildHelp(unknownSubcommand?: string): EphemeralReply {
  const intro = unknownSubcommand
    ? `I don't know \`${escapeMrkdwn(truncate(unknownSubcommand, 40))}\`. Here is what I can do:`
    : 'Content Broadcaster researches, drafts, optimises and adapts content for your channels.';
  const commands = [
    `\`${COMMAND}\` or \`${COMMAND} new [topic]\`: start a content plan`,
    `\`${COMMAND} list [mine|review|scheduled|published|failed] [page]\`: plans in this workspace, filtered and paged`,
    `\`${COMMAND} status N\`: one plan, by its number`,
    `\`${COMMAND} calendar [week|month]\`: what is scheduled and what was published, by day and destination`,
    `\`${COMMAND} help\`: this help`,
  ];
  return ephemeral(intro, [section(intro), section(commands.join('\n'))]);
}

function ephemeral(text: string, blocks: KnownBlock[]): EphemeralReply {
  return { response_type: 'ephemeral', text, blocks };
}
