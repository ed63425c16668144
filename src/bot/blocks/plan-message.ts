import type { KnownBlock, PlanBlock, RichTextBlock, TaskCardBlock } from '@slack/types';
import { CHANNEL_LABELS, type ChannelId } from '../../domain/channels.ts';
import { isAwaitingApproval, RUNNING_STATUSES, STATUS_LABELS, STAGES, type FailedStage, type PlanStatus, type Stage } from '../../domain/plan-states.ts';
import { ACTIONS, BLOCKS, decisionButtonValue } from '../ids.ts';
import { buildDestinationRetryActions, describePublication, type PublicationView } from './destination-lines.ts';
import { button, context, escapeMrkdwn, formatDuration, formatNumber, pluralize, section, slackDate, slackLink, truncate } from './format.ts';

export type StageState = 'pending' | 'running' | 'done' | 'failed' | 'skipped';

export type StageView = {
  stage: Stage;
  state: StageState;
  detail?: string;
  durationMs?: number;
  /** Pages the stage read (research), shown as the task's sources. */
  sources?: readonly { url: string; title: string }[];
};

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

/**
 * Where the SEO optimisation of the current revision stands. The plan block's SEO task and the
 * summary in review both read these numbers, so they cannot disagree.
 */
export type SeoProgress = {
  /** Scores of the first draft of this revision; null before it was analysed. */
  initial: { seo: number; readability: number } | null;
  /** Scores of the best version so far (the kept one once optimising is done). */
  best: { seo: number; readability: number } | null;
  /** SEO passes run in this revision (rewrites, kept or not). */
  passes: number;
  /** Passes the settings allow. */
  passBudget: number;
};

/** The post as the approver sees it in the root message. */
export type ArticleView = {
  title: string;
  metaDescription: string;
  /** Null for drafts made before takeaways existed. */
  takeaway: string | null;
  words: number;
  sources: number;
  competitorWords?: number;
};

/** One channel the plan targets, with its variant's measure when it exists ("LinkedIn 1,412/3,000", "X thread 5 posts"). */
export type ChannelView = { channel: ChannelId; label: string };

export type PlanMessageModel = {
  planId: string;
  number: number;
  topic: string;
  authorId: string;
  keyphrase: string;
  channels: readonly ChannelId[];
  status: PlanStatus;
  stages: readonly StageView[];
  seo?: SeoProgress;
  article?: ArticleView;
  /** The claim check and repairs, one or two mrkdwn lines (replies/quality.ts). */
  quality?: string;
  /** Per channel, what its variant is; defaults to the channel's name. */
  channelViews?: readonly ChannelView[];
  /** Plain sentences: a variant over its limit, pages research could not read, and the like. */
  warnings?: readonly string[];
  /** The draft's canvas, or its reply in the thread. */
  draftLink?: { url: string; kind: 'canvas' | 'reply' };
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

type TaskStatus = TaskCardBlock['status'];

/** Each stage state as a task status, and the word and icon the text fallback uses for it. */
const TASK_STATES: Record<StageState, { status: TaskStatus; icon: string; word: string }> = {
  pending: { status: 'pending', icon: '○', word: 'waiting' },
  running: { status: 'in_progress', icon: '⏳', word: 'running' },
  done: { status: 'complete', icon: '✓', word: 'done' },
  skipped: { status: 'complete', icon: '–', word: 'skipped' },
  failed: { status: 'error', icon: '⚠', word: 'failed' },
};

// Caps that keep the whole message under Slack's ~13,000 characters of blocks, whatever the model wrote.
const MAX_WARNINGS_SHOWN = 8;
const MAX_WARNING_CHARS = 200;
const MAX_DETAIL_CHARS = 200;
const MAX_CHANNEL_LABEL_CHARS = 80;
const MAX_QUALITY_CHARS = 1200;
const MAX_TASK_SOURCES = 5;

export function pendingStages(): StageView[] {
  return STAGES.map((stage) => ({ stage, state: 'pending' }));
}

/** The progress as tasks: the plan block and the text fallback are both made from these. */
export type ProgressTask = { id: Stage; title: string; state: StageState; details: string; sources: readonly { url: string; title: string }[] };

export function toProgressTasks(model: Pick<PlanMessageModel, 'stages'>): ProgressTask[] {
  return model.stages.map((view) => {
    const parts: string[] = [];
    if (view.detail) parts.push(truncate(view.detail, MAX_DETAIL_CHARS));
    if (view.durationMs !== undefined && view.state === 'done') parts.push(formatDuration(view.durationMs));
    return { id: view.stage, title: STAGE_LABELS[view.stage], state: view.state, details: parts.join(' · '), sources: view.sources ?? [] };
  });
}

/** "Research ✓ 8 sources, 31 quotes": one task as the one-line progress in review shows it. */
export function describeTask(task: ProgressTask): string {
  const { icon } = TASK_STATES[task.state];
  return `${task.title} ${icon}${task.details ? ` ${escapeMrkdwn(task.details)}` : ''}`;
}

/** "Research: done, 8 sources, 31 quotes": one task in words, as the text fallback (notifications, screen readers) says it. */
export function describeTaskInWords(task: ProgressTask): string {
  const { word } = TASK_STATES[task.state];
  return `${task.title}: ${word}${task.details ? `, ${escapeMrkdwn(task.details)}` : ''}`;
}

/** True while the pipeline works on the plan (a first run or a revision), or when it failed there. */
export function isInProgress(status: PlanStatus): boolean {
  return RUNNING_STATUSES.includes(status) || status === 'changes_requested' || status === 'failed';
}

/**
 * The plan's root message: a view of the plan's state, re-rendered in place. While the pipeline runs,
 * progress is one `plan` block; in review it is written for an approver who decides in ten seconds.
 */
export function buildPlanMessage(model: PlanMessageModel): { text: string; blocks: KnownBlock[] } {
  return isInProgress(model.status) ? buildProgressMessage(model) : buildReviewMessage(model);
}

function headline(model: PlanMessageModel): string {
  const name = model.article?.title ?? model.topic;
  return `📝 #${model.number} ${escapeMrkdwn(truncate(name, 200))}`;
}

function revisionLabel(model: PlanMessageModel): string {
  return model.review && model.review.revision > 0 ? ` · revision ${model.review.revision + 1}` : '';
}

/** Status, author and keyphrase; the channels too while running (in review they have a line of their own). */
function factsLine(model: PlanMessageModel, { withChannels }: { withChannels: boolean }): string {
  const channels = withChannels ? ` · ${model.channels.map((channel) => CHANNEL_LABELS[channel]).join(', ')}` : '';
  return `*${STATUS_LABELS[model.status]}*${revisionLabel(model)} · by <@${model.authorId}> · keyphrase “${escapeMrkdwn(truncate(model.keyphrase, 100))}”${channels}`;
}

function buildProgressMessage(model: PlanMessageModel): { text: string; blocks: KnownBlock[] } {
  const tasks = toProgressTasks(model);
  const blocks: KnownBlock[] = [section(`*${headline(model)}*`, 'plan_title'), context(factsLine(model, { withChannels: true })), buildPlanBlock(model, tasks)];
  if (model.status === 'failed' && model.failure) {
    const stageLabel = model.failure.stage ? `${STAGE_LABELS[model.failure.stage]} failed: ` : '';
    blocks.push(section(`⚠️ ${stageLabel}${escapeMrkdwn(truncate(model.failure.message, 500))}`, 'plan_failure'));
    blocks.push({ type: 'actions', block_id: BLOCKS.planFailureActions, elements: [button('Retry', ACTIONS.retryPlan, model.planId, 'primary')] });
  }
  blocks.push(...describeReview(model));
  const failure = model.status === 'failed' && model.failure ? `. ${escapeMrkdwn(truncate(model.failure.message, 300))}` : '';
  // The text is what notifications and screen readers show; it is parsed for mentions, so it is escaped too.
  const text = `#${model.number} ${escapeMrkdwn(truncate(model.article?.title ?? model.topic, 200))} · ${STATUS_LABELS[model.status]}${revisionLabel(model)}. ${tasks.map(describeTaskInWords).join('; ')}${failure}`;
  return { text, blocks };
}

function buildPlanBlock(model: PlanMessageModel, tasks: readonly ProgressTask[]): PlanBlock {
  return {
    type: 'plan',
    block_id: 'plan_progress',
    title: truncate(`#${model.number} · ${STATUS_LABELS[model.status]}${revisionLabel(model)}`, 150),
    tasks: tasks.map((task) => toTaskCard(task)),
  };
}

function toTaskCard(task: ProgressTask): TaskCardBlock {
  const card: TaskCardBlock = { type: 'task_card', task_id: task.id, title: task.title, status: TASK_STATES[task.state].status };
  const details = task.state === 'skipped' ? `Skipped${task.details ? `: ${task.details}` : ''}` : task.details;
  if (details) card.details = richText(details);
  const sources = task.sources.slice(0, MAX_TASK_SOURCES).map((source) => ({ type: 'url' as const, url: source.url, text: truncate(source.title || source.url, 150) }));
  if (sources.length > 0) card.sources = sources;
  return card;
}

function richText(text: string): RichTextBlock {
  return { type: 'rich_text', elements: [{ type: 'rich_text_section', elements: [{ type: 'text', text }] }] };
}

function buildReviewMessage(model: PlanMessageModel): { text: string; blocks: KnownBlock[] } {
  const blocks: KnownBlock[] = [
    section(`*${headline(model)}*`, 'plan_title'),
    context(factsLine(model, { withChannels: false })),
  ];
  const article = model.article;
  if (article) {
    const meta = `_“${escapeMrkdwn(truncate(article.metaDescription.replace(/\s+/g, ' ').trim(), 400))}”_ (meta description, ${formatNumber([...article.metaDescription].length)} characters)`;
    const takeaway = article.takeaway ? `\n*Takeaway:* ${escapeMrkdwn(truncate(article.takeaway, 400))}` : '';
    blocks.push(section(`${meta}${takeaway}`, 'plan_article'));
  }
  const summary = [describeScores(model), model.quality ? truncate(model.quality, MAX_QUALITY_CHARS) : ''].filter(Boolean).join('\n');
  if (summary) blocks.push(section(summary, 'plan_scores'));
  blocks.push(section(describeChannels(model), 'plan_channels'));
  if (model.warnings && model.warnings.length > 0) blocks.push(section(describeWarnings(model.warnings), 'plan_warnings'));
  blocks.push(context(`Progress: ${toProgressTasks(model).map(describeTask).join(' · ')}`));
  blocks.push(...describeReview(model));
  return { text: `#${model.number} ${escapeMrkdwn(truncate(article?.title ?? model.topic, 200))}: ${STATUS_LABELS[model.status]}${revisionLabel(model)}`, blocks };
}

/** "*SEO 57 → 84* · Readability 60 → 72 · 1,240 words · 8 sources", from the same numbers as the SEO task. */
export function describeScores(model: Pick<PlanMessageModel, 'seo' | 'article'>): string {
  const parts: string[] = [];
  const { seo, article } = model;
  if (seo?.best) {
    const from = seo.initial;
    parts.push(from && from.seo !== seo.best.seo ? `*SEO ${from.seo} → ${seo.best.seo}*` : `*SEO ${seo.best.seo}*`);
    parts.push(from && from.readability !== seo.best.readability ? `Readability ${from.readability} → ${seo.best.readability}` : `Readability ${seo.best.readability}`);
    if (seo.passes > 0) parts.push(pluralize(seo.passes, 'SEO pass', 'SEO passes'));
  }
  if (article) {
    const median = article.competitorWords ? ` (competitors' median ${formatNumber(article.competitorWords)})` : '';
    parts.push(`${formatNumber(article.words)} words${median}`, pluralize(article.sources, 'source'));
  }
  return parts.join(' · ');
}

/** The SEO task's details: "pass 2 of 3 · 57 → 68 so far", or "57 → 84 · 2 passes" once done. */
export function describeSeoTask(seo: SeoProgress, state: StageState): string {
  const { initial, best } = seo;
  // The task is titled "SEO", so its details give the scores alone.
  const scores = initial && best ? (initial.seo === best.seo ? `${best.seo}` : `${initial.seo} → ${best.seo}`) : null;
  if (state === 'running') {
    if (!scores) return 'analysing the draft';
    return `pass ${Math.min(seo.passes + 1, Math.max(seo.passBudget, 1))} of ${seo.passBudget} · ${scores}${seo.passes > 0 ? ' so far' : ''}`;
  }
  if (!scores) return '';
  return seo.passes === 0 ? `${scores} · no pass needed` : `${scores} · ${pluralize(seo.passes, 'pass', 'passes')}`;
}

function describeChannels(model: PlanMessageModel): string {
  const views = model.channelViews ?? model.channels.map((channel) => ({ channel, label: CHANNEL_LABELS[channel] }));
  const channels = views.map((view) => escapeMrkdwn(truncate(view.label, MAX_CHANNEL_LABEL_CHARS))).join(', ');
  const link = model.draftLink
    ? ` · ${slackLink(model.draftLink.url, model.draftLink.kind === 'canvas' ? '📖 Read the draft (canvas)' : '📖 Read the draft')}`
    : '';
  return `${channels}${link}`;
}

function describeWarnings(warnings: readonly string[]): string {
  const shown = warnings.slice(0, MAX_WARNINGS_SHOWN).map((warning) => `⚠️ ${escapeMrkdwn(truncate(warning, MAX_WARNING_CHARS))}`);
  const hidden = warnings.length - shown.length;
  if (hidden > 0) shown.push(`…and ${pluralize(hidden, 'more warning')} in the thread`);
  return shown.join('\n');
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
  if (isAwaitingApproval({ status: model.status, isApproved: review.isApproved })) lines.push(describeNeededApprovals(review));
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
  const shown = review.approverIds.slice(0, 10).map((id) => `<@${id}>`);
  const more = review.approverIds.length - shown.length;
  const who =
    shown.length > 0 ? `${shown.join(' or ')}${more > 0 ? ` (or ${pluralize(more, 'other approver')})` : ''}` : 'a workspace admin';
  return `*Needs ${missing} ${missing === 1 ? 'approval' : 'more approvals'}* from ${who}`;
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
