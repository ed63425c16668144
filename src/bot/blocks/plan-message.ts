import type { KnownBlock } from '@slack/types';
import { CHANNEL_LABELS, type ChannelId } from '../../orchestrator/channels.ts';
import { STATUS_LABELS, STAGES, type PlanStatus, type Stage } from '../../orchestrator/plan-status.ts';
import { ACTIONS } from '../ids.ts';
import { button, context, escapeMrkdwn, formatDuration, formatNumber, section, truncate } from './format.ts';

export type StageState = 'pending' | 'running' | 'done' | 'failed' | 'skipped';

export type StageView = { stage: Stage; state: StageState; detail?: string; durationMs?: number };

export type PlanMessageModel = {
  planId: string;
  number: number;
  topic: string;
  authorId: string;
  keyphrase: string;
  channels: readonly ChannelId[];
  status: PlanStatus;
  stages: readonly StageView[];
  scores?: { seo: number; initialSeo: number; readability: number; revisions: number; words: number; sources: number };
  failure?: { stage: Stage | null; message: string };
  reviewNote?: string;
};

export const STAGE_LABELS: Record<Stage, string> = {
  research: 'Research',
  draft: 'Draft',
  optimize: 'SEO',
  variants: 'Variants',
};

const STATE_ICONS: Record<StageState, string> = {
  pending: '⬜',
  running: '⏳',
  done: '✅',
  failed: '⚠️',
  skipped: '➖',
};

export function pendingStages(): StageView[] {
  return STAGES.map((stage) => ({ stage, state: 'pending' }));
}

/** The plan's root message: a view of the plan's state, re-rendered in place. */
export function buildPlanMessage(model: PlanMessageModel): { text: string; blocks: KnownBlock[] } {
  const title = `📝 #${model.number} ${escapeMrkdwn(truncate(model.topic, 200))}`;
  const channels = model.channels.map((channel) => CHANNEL_LABELS[channel]).join(', ');
  const blocks: KnownBlock[] = [
    section(`*${title}*`, 'plan_title'),
    context(
      `*${STATUS_LABELS[model.status]}* · by <@${model.authorId}> · keyphrase “${escapeMrkdwn(truncate(model.keyphrase, 100))}” · ${channels}`,
    ),
  ];

  if (model.scores) blocks.push(section(describeScores(model.scores), 'plan_scores'));

  blocks.push(section(model.stages.map(describeStage).join('\n'), 'plan_stages'));

  if (model.status === 'failed' && model.failure) {
    const stageLabel = model.failure.stage ? `${STAGE_LABELS[model.failure.stage]} failed: ` : '';
    blocks.push(section(`⚠️ ${stageLabel}${escapeMrkdwn(truncate(model.failure.message, 500))}`, 'plan_failure'));
    blocks.push({ type: 'actions', block_id: 'plan_failure_actions', elements: [button('Retry', ACTIONS.retryPlan, model.planId, 'primary')] });
  }

  if (model.status === 'in_review') {
    if (model.reviewNote) blocks.push(context(model.reviewNote));
    blocks.push({
      type: 'actions',
      block_id: 'plan_review_actions',
      elements: [
        button('Approve', ACTIONS.approve, model.planId, 'primary'),
        button('Request changes', ACTIONS.requestChanges, model.planId),
        button('Reject', ACTIONS.reject, model.planId, 'danger'),
        button('Schedule…', ACTIONS.schedule, model.planId),
      ],
    });
  }

  return { text: `#${model.number} ${model.topic}: ${STATUS_LABELS[model.status]}`, blocks };
}

function describeStage(view: StageView): string {
  const parts = [`${STATE_ICONS[view.state]} *${STAGE_LABELS[view.stage]}*`];
  if (view.detail) parts.push(escapeMrkdwn(view.detail));
  if (view.durationMs !== undefined && view.state === 'done') parts.push(formatDuration(view.durationMs));
  return parts.join(' · ');
}

export function describeScores(scores: NonNullable<PlanMessageModel['scores']>): string {
  const gain = scores.seo - scores.initialSeo;
  const revisions = scores.revisions === 1 ? '1 revision' : `${scores.revisions} revisions`;
  const seo = scores.revisions > 0 ? `*SEO ${scores.seo}* (${gain >= 0 ? '+' : ''}${gain} after ${revisions})` : `*SEO ${scores.seo}*`;
  return [seo, `Readability ${scores.readability}`, `${formatNumber(scores.words)} words`, `${scores.sources} sources`].join(' · ');
}
