import type { KnownBlock } from '@slack/types';
import { STATUS_LABELS, isPlanStatus } from '../../domain/plan-states.ts';
import { COMMAND } from '../ids.ts';
import { context, escapeMrkdwn, section, truncate } from './format.ts';

export type PlanSummary = {
  number: number;
  topic: string;
  status: string;
  seoScore: number | null;
  permalink: string | null;
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

export function buildPlanList(plans: readonly PlanSummary[]): EphemeralReply {
  if (plans.length === 0) {
    return ephemeral('No plans yet.', [section(`No plans yet. Start one with \`${COMMAND}\`.`)]);
  }
  const lines = plans.slice(0, MAX_LISTED).map(planLine);
  return ephemeral(`Recent plans: ${plans.length}`, [
    section('*Recent plans*'),
    section(lines.join('\n')),
    context(`\`${COMMAND} status N\` shows one plan.`),
  ]);
}

export function buildPlanStatus(plan: PlanSummary): EphemeralReply {
  return ephemeral(`#${plan.number} ${plan.topic}`, [section(planLine(plan))]);
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
    `\`${COMMAND} list\`: recent plans in this workspace`,
    `\`${COMMAND} status N\`: one plan, by its number`,
    `\`${COMMAND} help\`: this help`,
  ];
  return ephemeral(intro, [section(intro), section(commands.join('\n'))]);
}

function ephemeral(text: string, blocks: KnownBlock[]): EphemeralReply {
  return { response_type: 'ephemeral', text, blocks };
}
