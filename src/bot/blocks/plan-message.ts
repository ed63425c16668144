import type { KnownBlock } from '@slack/types';
import { CHANNEL_LABELS, type ChannelId } from '../../domain/channels.ts';
import { STATUS_LABELS, STAGES, type FailedStage, type PlanStatus, type Stage } from '../../domain/plan-states.ts';
import { ACTIONS, BLOCKS, decisionButtonValue } from '../ids.ts';
import { buildDestinationRetryActions, describePublication, type PublicationView } from './destination-lines.ts';
import { button, context, escapeMrkdwn, formatDuration, formatNumber, section, slackDate, truncate } from './format.ts';

export type StageState = 'pending' | 'running' | 'done' | 'failed' | 'skipped';

export type StageView = { stage: Stage; state: StageState; detail?: string; durationMs?: number };

export type { PublicationView };

export type ReviewView = {
  revision: number;
  requiredApprovals: number;
  approverIds: readonly string[];
  approvals: readonly { userId: string; at: Date }[];
  isApproved: boolean;
  scheduledAt: Date | null;
  feedback: readonly { userId: string; at: Date; text: string }[];
  rejection: { userId: string; at: Date; reason: string } | null;
  publications: readonly PublicationView[];
};

export type PlanMessageModel = {
  planId: string;
  number: number;
  topic: string;
  authorId: string;
  keyphrase: string;
  channels: readonly ChannelId[];
  status: PlanStatus;
  stages: readonly StageView[];
  scores?: { seo: number; initialSeo: number; readability: number; revisions: number; words: number; sources: number; competitorWords?: number };
  /** The claim check and repairs, one or two mrkdwn lines (replies/quality.ts). */
  quality?: string;
  failure?: { stage: FailedStage | null; message: string };
  review?: ReviewView;
};

export const STAGE_LABELS: Record<FailedStage, string> = {
  research: 'Research',
  draft: 'Draft',
  optimize: 'SEO',
  variants: 'Variants',
  publish: 'Publishing',
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
  const revision = model.review && model.review.revision > 0 ? ` · revision ${model.review.revision + 1}` : '';
  const blocks: KnownBlock[] = [
    section(`*${title}*`, 'plan_title'),
    context(
      `*${STATUS_LABELS[model.status]}*${revision} · by <@${model.authorId}> · keyphrase “${escapeMrkdwn(truncate(model.keyphrase, 100))}” · ${channels}`,
    ),
  ];

  if (model.scores) blocks.push(section(describeScores(model.scores), 'plan_scores'));
  if (model.quality) blocks.push(section(model.quality, 'plan_quality'));
  blocks.push(section(model.stages.map(describeStage).join('\n'), 'plan_stages'));

  if (model.status === 'failed' && model.failure) {
    const stageLabel = model.failure.stage ? `${STAGE_LABELS[model.failure.stage]} failed: ` : '';
    blocks.push(section(`⚠️ ${stageLabel}${escapeMrkdwn(truncate(model.failure.message, 500))}`, 'plan_failure'));
    blocks.push({ type: 'actions', block_id: BLOCKS.planFailureActions, elements: [button('Retry', ACTIONS.retryPlan, model.planId, 'primary')] });
  }
  if (model.review) blocks.push(...describeReview(model));

  return { text: `#${model.number} ${model.topic}: ${STATUS_LABELS[model.status]}`, blocks };
}

function describeReview(model: PlanMessageModel): KnownBlock[] {
  const review = model.review;
  if (!review) return [];
  const blocks: KnownBlock[] = [];
  const lines: string[] = [];
  const latestFeedback = review.feedback.at(-1);
  if (latestFeedback) {
    lines.push(`✏️ Changes requested by <@${latestFeedback.userId}> ${slackDate(latestFeedback.at)}: “${escapeMrkdwn(truncate(latestFeedback.text, 300))}”`);
  }
  if (review.rejection) {
    lines.push(`🚫 Rejected by <@${review.rejection.userId}> ${slackDate(review.rejection.at)}: “${escapeMrkdwn(truncate(review.rejection.reason, 300))}”`);
  }
  if (review.approvals.length > 0) {
    lines.push(`👍 Approved by ${review.approvals.map((approval) => `<@${approval.userId}>`).join(', ')}`);
  }
  const isWaiting = model.status === 'in_review' || (model.status === 'scheduled' && !review.isApproved);
  if (isWaiting) lines.push(describeNeededApprovals(review));
  if (review.scheduledAt && (model.status === 'scheduled' || model.status === 'expired')) {
    const when = `${slackDate(review.scheduledAt)} (your time)`;
    lines.push(model.status === 'expired' ? `⌛ Expired: it was scheduled for ${when} without the approvals it needed.` : `🗓️ Scheduled for ${when}`);
  }
  for (const publication of review.publications) lines.push(describePublication(publication));
  if (lines.length > 0) blocks.push(section(lines.join('\n'), 'plan_review'));
  const retries = buildDestinationRetryActions(model.planId, model.status, review.publications);
  if (retries) blocks.push(retries);

  const buttons = reviewButtons(model.status, review.isApproved, decisionButtonValue({ id: model.planId, revision: review.revision }));
  if (buttons.length > 0) blocks.push({ type: 'actions', block_id: BLOCKS.planReviewActions, elements: buttons });
  return blocks;
}

function describeNeededApprovals(review: ReviewView): string {
  const missing = Math.max(review.requiredApprovals - review.approvals.length, 1);
  const who =
    review.approverIds.length > 0
      ? review.approverIds.slice(0, 10).map((id) => `<@${id}>`).join(' or ')
      : 'a workspace admin';
  return `Needs ${missing} ${missing === 1 ? 'approval' : 'more approvals'} from ${who}`;
}

function reviewButtons(status: PlanStatus, isApproved: boolean, value: string) {
  const approve = button('Approve', ACTIONS.approve, value, 'primary');
  const requestChanges = button('Request changes', ACTIONS.requestChanges, value);
  const reject = button('Reject', ACTIONS.reject, value, 'danger');
  const publishNow = button('Publish now', ACTIONS.publishNow, value, 'primary');
  switch (status) {
    case 'in_review':
      return [approve, requestChanges, reject, button('Schedule…', ACTIONS.schedule, value)];
    case 'approved':
      return [button('Schedule…', ACTIONS.schedule, value), publishNow];
    case 'scheduled':
      return isApproved
        ? [publishNow, button('Reschedule…', ACTIONS.schedule, value), button('Unschedule', ACTIONS.unschedule, value)]
        : [approve, button('Reschedule…', ACTIONS.schedule, value), button('Unschedule', ACTIONS.unschedule, value), reject];
    default:
      return [];
  }
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
  const median = scores.competitorWords ? ` (competitors' median ${formatNumber(scores.competitorWords)})` : '';
  return [seo, `Readability ${scores.readability}`, `${formatNumber(scores.words)} words${median}`, `${scores.sources} sources`].join(' · ');
}
