import type { KnownBlock } from '@slack/types';
import { PLAN_STATUSES, STATUS_LABELS, type PlanStatus } from '../../domain/plan-states.ts';
import type { Dashboard } from '../../db/dashboard.ts';
import { ACTIONS } from '../ids.ts';
import { button, escapeMrkdwn, formatDuration, formatNumber, joinLinesWithin, plain, section, slackDate, slackLink, truncate } from './format.ts';

export type { Dashboard };

/** Failures and publications shown, newest first as given. */
export const DASHBOARD_LIST_LIMIT = 10;
/** The most blocks buildDashboardBlocks returns: 7 sections and a header, plus one per failure. */
export const DASHBOARD_MAX_BLOCKS = 8 + DASHBOARD_LIST_LIMIT;

const BAR_WIDTH = 20;
const MAX_BAR_ROWS = 20;

const STAGE_LABELS: Readonly<Record<string, string>> = {
  research: 'Research',
  outline: 'Outline',
  draft: 'Draft',
  optimize: 'SEO',
  revise: 'SEO pass',
  variants: 'Variants',
  publish: 'Publishing',
};

/** "Last 30 days" for the App Home: at most DASHBOARD_MAX_BLOCKS blocks whatever the figures. */
export function buildDashboardBlocks(d: Dashboard): KnownBlock[] {
  const blocks: KnownBlock[] = [
    { type: 'header', text: plain('Last 30 days') },
    section(formatStatusSummary(d.byStatus)),
    section(formatSeoSummary(d.seo)),
    section(formatRevisionSummary(d.revisionsPerPlan)),
    section(formatStageTimes(d.stageTimes)),
    section(formatTokenSummary(d.tokens)),
  ];

  const failures = d.failures.slice(0, DASHBOARD_LIST_LIMIT);
  blocks.push(section(failures.length === 0 ? '*Last failures*\nNothing failed in the last 30 days. :tada:' : '*Last failures*'));
  for (const failure of failures) {
    const what = failure.stage === null ? 'Failed' : `${stageLabel(failure.stage)} failed`;
    const text = `*#${failure.number}* ${escapeMrkdwn(truncate(failure.topic, 80))}\n${what}: ${escapeMrkdwn(truncate(failure.reason, 500))} · ${slackDate(failure.at)}`;
    blocks.push({ ...section(text), accessory: button('Retry', ACTIONS.retryPlan, failure.planId) });
  }

  blocks.push(section(formatPublications(d.publications)));
  return blocks;
}

export function formatStatusSummary(byStatus: Dashboard['byStatus']): string {
  const counts = PLAN_STATUSES.map((status) => ({
    status,
    count: byStatus.filter((row) => row.status === status).reduce((total, row) => total + row.count, 0),
  })).filter((row) => row.count > 0);
  const total = counts.reduce((sum, row) => sum + row.count, 0);
  if (total === 0) return '*Plans by status*\nNo plans in the last 30 days. Start one with *New plan* above.';
  const parts = counts.map((row) => `${STATUS_LABELS[row.status]} ${formatNumber(row.count)}`);
  return `*Plans by status* · ${formatNumber(total)} in all\n${parts.join(' · ')}`;
}

/** "Average SEO 62 before refinement → 81 after (+19)", scores to one decimal at most. */
export function formatSeoSummary({ plans, averageBefore, averageAfter }: Dashboard['seo']): string {
  const heading = plans > 0 ? `*SEO score* · ${pluralPlans(plans)}` : '*SEO score*';
  const before = averageBefore === null ? null : roundScore(averageBefore);
  const after = averageAfter === null ? null : roundScore(averageAfter);
  if (plans === 0 || (before === null && after === null)) {
    return `${heading}\nNo plan has been scored yet; scores appear once a draft is optimised.`;
  }
  if (before === null) return `${heading}\nAverage ${formatScore(after ?? 0)} after refinement (no score from before it).`;
  if (after === null) return `${heading}\nAverage ${formatScore(before)} before refinement; none refined yet.`;
  const gain = roundScore(after - before);
  const sign = gain < 0 ? '−' : '+';
  return `${heading}\nAverage ${formatScore(before)} before refinement → ${formatScore(after)} after (${sign}${formatScore(Math.abs(gain))})`;
}

/** One line per revision count: `0 ▏████████████████████ 12`, the longest bar 20 wide. */
export function formatRevisionBars(rows: Dashboard['revisionsPerPlan']): string[] {
  const sorted = [...rows].sort((a, b) => a.revisions - b.revisions).slice(0, MAX_BAR_ROWS);
  const max = Math.max(0, ...sorted.map((row) => row.plans));
  const labelWidth = Math.max(0, ...sorted.map((row) => String(row.revisions).length));
  return sorted.map((row) => {
    const width = max === 0 || row.plans <= 0 ? 0 : Math.max(1, Math.round((row.plans / max) * BAR_WIDTH));
    return `${String(row.revisions).padStart(labelWidth)} ▏${'█'.repeat(width)} ${formatNumber(row.plans)}`;
  });
}

export function formatRevisionSummary(rows: Dashboard['revisionsPerPlan']): string {
  if (!rows.some((row) => row.plans > 0)) return '*SEO passes per plan*\nNo plan has been optimised yet.';
  return `*SEO passes per plan* (passes ▏ plans)\n\`\`\`${formatRevisionBars(rows).join('\n')}\`\`\``;
}

export function formatStageTimes(rows: Dashboard['stageTimes']): string {
  if (rows.length === 0) return '*Time per stage*\nNo stage has run yet.';
  const lines = rows.map(
    (row) => `${stageLabel(row.stage)}: median ${formatStageTime(row.medianMs)} · p95 ${formatStageTime(row.p95Ms)} · ${formatNumber(row.runs)} ${row.runs === 1 ? 'run' : 'runs'}`,
  );
  return joinLinesWithin(lines, { head: '*Time per stage* (median · p95)\n', more: (hidden) => `…and ${hidden} more stages.` });
}

/** "1,234,567 tokens (1,000,000 in · 234,567 out) · estimated cost $2.47 at $0.002 per 1K tokens". */
export function formatTokenSummary({ input, output, estimatedCost, pricePer1k }: Dashboard['tokens']): string {
  const total = input + output;
  if (total === 0) return '*Tokens*\nNo model calls yet, so nothing to pay.';
  return `*Tokens*\n${formatNumber(total)} tokens (${formatNumber(input)} in · ${formatNumber(output)} out) · estimated cost ${formatCost(estimatedCost)} at ${formatPrice(pricePer1k)} per 1K tokens`;
}

export function formatPublications(publications: Dashboard['publications']): string {
  const shown = publications.slice(0, DASHBOARD_LIST_LIMIT);
  if (shown.length === 0) return '*Last publications*\nNothing published in the last 30 days yet. Approved plans show up here once they go out.';
  const lines = shown.map((publication) => {
    const where = publication.url === null ? escapeMrkdwn(publication.destination) : slackLink(publication.url, publication.destination);
    return `*#${publication.number}* ${escapeMrkdwn(truncate(publication.topic, 80))} → ${where} · ${slackDate(publication.at)}`;
  });
  return joinLinesWithin(lines, { head: '*Last publications*\n', more: (hidden) => `…and ${hidden} more.` });
}

/** "$2.47"; a cost above zero that rounds to nothing reads "under $0.01". */
export function formatCost(cost: number): string {
  if (cost > 0 && cost < 0.005) return 'under $0.01';
  return `$${cost.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
}

/** "$0.002": as many decimals as the price has, up to six. */
export function formatPrice(price: number): string {
  return `$${price.toLocaleString('en-US', { maximumFractionDigits: 6 })}`;
}

function formatStageTime(ms: number): string {
  return ms < 1000 ? 'under 1 s' : formatDuration(ms);
}

function stageLabel(stage: string): string {
  return STAGE_LABELS[stage] ?? escapeMrkdwn(stage.charAt(0).toUpperCase() + stage.slice(1).replace(/_/g, ' '));
}

function roundScore(score: number): number {
  return Math.round(score * 10) / 10;
}

function formatScore(score: number): string {
  return score.toLocaleString('en-US', { maximumFractionDigits: 1 });
}

function pluralPlans(count: number): string {
  return `${formatNumber(count)} ${count === 1 ? 'plan' : 'plans'}`;
}
