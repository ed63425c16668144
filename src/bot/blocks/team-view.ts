import type { KnownBlock } from '@slack/types';
import type { TeamView } from '../../db/team-view.ts';
import { CHANNEL_LABELS, isChannelId } from '../../domain/channels.ts';
import { formatMetricValues, METRIC_KIND_LABELS } from '../../domain/metrics.ts';
import { context, escapeMrkdwn, formatNumber, joinLinesWithin, pluralize, plain, section, truncate } from './format.ts';

export type { TeamView };

/** The most blocks buildTeamViewBlocks returns: a header, seven sections and a note. */
export const TEAM_VIEW_MAX_BLOCKS = 9;

/** Plans named per scheduled day; the rest are counted. */
const PLANS_PER_DAY = 3;

/** "Team · last 30 days" on the Home of approvers and admins; pure, at most TEAM_VIEW_MAX_BLOCKS blocks. */
export function buildTeamViewBlocks(view: TeamView): KnownBlock[] {
  return [
    { type: 'header', text: plain('Team · last 30 days') },
    section(formatApprovalTime(view.approvalTime)),
    section(formatFirstPass(view.firstPass)),
    section(formatRevisions(view.revisions)),
    section(formatPublishedPerChannel(view.publishedPerChannel)),
    section(formatSchedule(view.scheduled)),
    section(formatEngagementPerChannel(view.engagement.perChannel)),
    section(formatTopPosts(view.engagement.topPosts)),
    context(
      'Plans you can see, not deleted. Submission is when the plan was created; days of the coming week are UTC. Engagement: each item’s latest numbers; interactions are likes, reposts, replies, comments, clicks and reactions.',
    ),
  ];
}

export function formatApprovalTime({ plans, medianMs, p90Ms }: TeamView['approvalTime']): string {
  if (plans === 0 || medianMs === null || p90Ms === null) return '*Submission to approval*\nNo plan was approved in the last 30 days.';
  return `*Submission to approval* · ${pluralize(plans, 'plan')} approved\nmedian ${formatSpan(medianMs)} · p90 ${formatSpan(p90Ms)}`;
}

export function formatFirstPass({ decided, approvedFirstTime }: TeamView['firstPass']): string {
  if (decided === 0) return '*First-pass approval*\nNo plan was decided in the last 30 days.';
  const rate = Math.round((approvedFirstTime / decided) * 100);
  return `*First-pass approval* · ${rate}%\n${formatNumber(approvedFirstTime)} of ${pluralize(decided, 'decided plan')} approved with no change requested`;
}

export function formatRevisions({ plans, average }: TeamView['revisions']): string {
  if (plans === 0 || average === null) return '*Revisions per plan*\nNo plan reached review in the last 30 days.';
  const rounded = Math.round(average * 10) / 10;
  return `*Revisions per plan* · ${rounded.toLocaleString('en-US', { maximumFractionDigits: 1 })} on average\nover ${pluralize(plans, 'plan')} that reached review (1 = decided as first written)`;
}

export function formatPublishedPerChannel(rows: TeamView['publishedPerChannel']): string {
  if (rows.length === 0) return '*Published per channel*\nNothing published in the last 30 days.';
  // Plans hold the five known channels; anything else is shown short, and at most ten.
  const parts = rows
    .slice(0, 10)
    .map((row) => `${isChannelId(row.channel) ? CHANNEL_LABELS[row.channel] : escapeMrkdwn(truncate(row.channel, 40))} ${formatNumber(row.plans)}`);
  return `*Published per channel* (plans)\n${parts.join(' · ')}`;
}

/** Each destination kind's totals; a metric no connection could read says so instead of 0. */
export function formatEngagementPerChannel(rows: TeamView['engagement']['perChannel']): string {
  if (rows.length === 0) return '*Engagement per channel*\nNo numbers came back in the last 30 days.';
  const lines = rows.map((row) => {
    const label = METRIC_KIND_LABELS[row.kind] ?? escapeMrkdwn(truncate(row.kind, 40));
    return `*${label}* · ${pluralize(row.items, 'item')}: ${formatMetricValues(row.kind, row.totals) || 'no numbers yet'}`;
  });
  return joinLinesWithin(lines, { head: '*Engagement per channel*\n', more: (hidden) => `…and ${hidden} more channels.` });
}

export function formatTopPosts(posts: TeamView['engagement']['topPosts']): string {
  if (posts.length === 0) return '*Top posts* (interactions)\nNo post drew interactions in the last 30 days.';
  const lines = posts.map((post, index) => `${index + 1}. #${post.planNumber} ${escapeMrkdwn(truncate(post.topic.replace(/\s+/g, ' '), 80))} · ${pluralize(post.interactions, 'interaction')}`);
  return joinLinesWithin(lines, { head: '*Top posts* (interactions)\n', more: (hidden) => `…and ${hidden} more.` });
}

export function formatSchedule(days: TeamView['scheduled']): string {
  if (days.length === 0) return '*Next 7 days*\nNothing is scheduled.';
  const lines = days.map(({ day, plans }) => {
    const named = plans.slice(0, PLANS_PER_DAY).map((plan) => `#${plan.number} ${escapeMrkdwn(truncate(plan.topic.replace(/\s+/g, ' '), 50))}`);
    const more = plans.length > PLANS_PER_DAY ? ` and ${plans.length - PLANS_PER_DAY} more` : '';
    return `*${formatDay(day)}* · ${pluralize(plans.length, 'post')}: ${named.join(', ')}${more}`;
  });
  return joinLinesWithin(lines, { head: '*Next 7 days*\n', more: (hidden) => `…and ${hidden} more days.` });
}

/** "Tue 1 Dec" from "2026-12-01". */
export function formatDay(day: string): string {
  const date = new Date(`${day}T00:00:00Z`);
  return date.toLocaleDateString('en-GB', { weekday: 'short', day: 'numeric', month: 'short', timeZone: 'UTC' });
}

/** "45 min", "3 h 10 min", "2 d 4 h". */
export function formatSpan(ms: number): string {
  const minutes = Math.round(ms / 60_000);
  if (minutes < 1) return 'under 1 min';
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return minutes % 60 === 0 ? `${hours} h` : `${hours} h ${minutes % 60} min`;
  const days = Math.floor(hours / 24);
  return hours % 24 === 0 ? `${days} d` : `${days} d ${hours % 24} h`;
}

