import type { Plan } from '../../db/plans.ts';
import type { StageRun } from '../../db/stage-runs.ts';
import { CHANNEL_LABELS, type ChannelId } from '../../domain/channels.ts';
import { isPastStage, STAGE_STATUS, STAGES, type Stage } from '../../domain/plan-states.ts';
import { describeSeoTask, type PlanMessageModel, type ReviewView, type StageState, type StageView } from './plan-message.ts';

/** What the root message shows beyond the plan row and its stage runs, read from the plan's snapshot. */
export type MessageFacts = Pick<PlanMessageModel, 'seo' | 'article' | 'quality' | 'channelViews' | 'warnings' | 'draftLink'> & {
  /** The pages research read, for the research task. */
  researchSources?: readonly { url: string; title: string }[];
};

/**
 * Derives what the root message shows from the plan row and the stage runs that made what it shows
 * now: research, and each other stage's runs of the revision that last ran it (plan-view's shownRuns).
 */
export function derivePlanMessageModel(plan: Plan, current: readonly StageRun[], facts: MessageFacts = {}, review?: ReviewView): PlanMessageModel {
  const variantChannels = plan.channels.filter((channel) => channel !== 'blog');
  const { researchSources, ...shown } = facts;
  const stages = STAGES.map((stage) => deriveStageView(plan, stage, current, variantChannels, facts));
  return {
    planId: plan.id,
    number: plan.number,
    topic: plan.topic,
    authorId: plan.authorId,
    keyphrase: plan.keyphrase,
    channels: plan.channels,
    status: plan.status,
    stages: stages.map((view) => (view.stage === 'research' && researchSources && view.state === 'done' ? { ...view, sources: researchSources } : view)),
    ...definedOnly(shown),
    ...(plan.status === 'failed' ? { failure: { stage: plan.failedStage, message: plan.error ?? 'Something went wrong.' } } : {}),
    ...(review ? { review } : {}),
  };
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, entry]) => entry !== undefined)) as Partial<T>;
}

function runsOf(runs: readonly StageRun[], stage: Stage): StageRun[] {
  return runs.filter((run) => (stage === 'variants' ? run.stage.startsWith('variant:') : run.stage === stage));
}

function deriveStageView(plan: Plan, stage: Stage, runs: readonly StageRun[], variantChannels: readonly ChannelId[], facts: MessageFacts): StageView {
  const stageRuns = runsOf(runs, stage);
  const isActive = plan.status === STAGE_STATUS[stage];
  const hasFailed = plan.status === 'failed' && plan.failedStage === stage;
  const durationMs = totalDuration(stageRuns.filter((run) => run.status === 'succeeded' || run.status === 'skipped'));

  if (stage === 'research') {
    const skipped = stageRuns.find((run) => run.status === 'skipped');
    if (skipped) return { stage, state: 'skipped', detail: skipped.error ?? 'skipped' };
    const done = stageRuns.find((run) => run.status === 'succeeded');
    if (done) return { stage, state: 'done', detail: describeResearch(done.output), durationMs };
  }
  if (stage === 'draft') {
    const done = stageRuns.findLast((run) => run.status === 'succeeded');
    if (done && !isActive) return { stage, state: 'done', detail: `${formatWords(done.output)} words`, durationMs };
  }
  if (stage === 'optimize') {
    const finished = stageRuns.filter((run) => run.status === 'succeeded');
    const isDone = finished.some((run) => (run.output as { done?: boolean } | null)?.done === true) && !isActive;
    const state: StageState = isDone ? 'done' : isActive ? 'running' : hasFailed ? 'failed' : isPastStage(plan.status, stage) ? 'done' : 'pending';
    const detail = facts.seo ? describeSeoTask(facts.seo, state) : state === 'running' ? 'analysing the draft' : '';
    return { stage, state, ...(detail ? { detail } : {}), ...(state === 'done' && durationMs !== undefined ? { durationMs } : {}) };
  }
  if (stage === 'variants') {
    const landed = new Set(stageRuns.filter((run) => run.status === 'succeeded').map((run) => run.stage.slice('variant:'.length)));
    const labels = variantChannels.map((channel) => CHANNEL_LABELS[channel]).join(', ');
    if (variantChannels.length === 0) return { stage, state: isPastStage(plan.status, stage) ? 'skipped' : 'pending', detail: 'no channel variants' };
    if (variantChannels.every((channel) => landed.has(channel)) && !hasFailed) {
      return { stage, state: 'done', detail: `${labels} ready`, durationMs: spanDuration(stageRuns) };
    }
    if (isActive) {
      const each = variantChannels.map((channel) => `${CHANNEL_LABELS[channel]} ${landed.has(channel) ? '✓' : '…'}`).join(', ');
      return { stage, state: 'running', detail: `${landed.size} of ${variantChannels.length}: ${each}` };
    }
    // Variants carried into a revision by a brief edit have no run of that revision, yet are done.
    if (!hasFailed) return { stage, state: isPastStage(plan.status, stage) ? 'done' : 'pending', detail: labels };
  }
  if (hasFailed) return { stage, state: 'failed' };
  if (isActive) return { stage, state: 'running' };
  return { stage, state: isPastStage(plan.status, stage) ? 'done' : 'pending' };
}

function totalDuration(runs: readonly StageRun[]): number | undefined {
  if (runs.length === 0) return undefined;
  return runs.reduce((sum, run) => sum + ((run.finishedAt?.getTime() ?? run.startedAt.getTime()) - run.startedAt.getTime()), 0);
}

/** Variants run in parallel, so their duration is the span from the first start to the last finish. */
function spanDuration(runs: readonly StageRun[]): number | undefined {
  if (runs.length === 0) return undefined;
  const start = Math.min(...runs.map((run) => run.startedAt.getTime()));
  const end = Math.max(...runs.map((run) => run.finishedAt?.getTime() ?? run.startedAt.getTime()));
  return end - start;
}

/** "8 sources, 31 quotes" (quotes verified in code; older runs have no count). */
function describeResearch(output: unknown): string {
  const { sources, quotes } = (output ?? {}) as { sources?: unknown[]; quotes?: { kept?: number } };
  const sourceCount = Array.isArray(sources) ? sources.length : 0;
  const kept = quotes?.kept;
  return typeof kept === 'number' ? `${sourceCount} sources, ${kept} ${kept === 1 ? 'quote' : 'quotes'}` : `${sourceCount} sources`;
}

function formatWords(output: unknown): string {
  const words = (output as { wordCount?: number } | null)?.wordCount;
  return typeof words === 'number' ? words.toLocaleString('en-US') : '?';
}
