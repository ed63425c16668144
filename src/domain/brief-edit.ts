import { isVariantChannel, type ChannelId, type VariantChannelId } from './channels.ts';
import type { FailedStage, PlanStatus, Stage } from './plan-states.ts';

/** The plan fields the form edits; `tone` is the resolved tone (the brand default filled in). */
export type BriefFields = {
  topic: string;
  keyphrase: string;
  keywords: readonly string[];
  competitorUrls: readonly string[];
  skipResearch: boolean;
  tone: string | null;
  audience: string | null;
  brief: string | null;
  channels: readonly ChannelId[];
  postChannelId: string;
};

export type BriefField = keyof BriefFields;

/** What each field feeds: research reads the first group, the draft the second, variants the channels. */
const FIELD_STAGE: Record<BriefField, Stage | 'move' | 'channels'> = {
  topic: 'research',
  keyphrase: 'research',
  keywords: 'research',
  competitorUrls: 'research',
  skipResearch: 'research',
  tone: 'draft',
  audience: 'draft',
  brief: 'draft',
  channels: 'channels',
  postChannelId: 'move',
};

export const BRIEF_FIELD_LABELS: Record<BriefField, string> = {
  topic: 'topic',
  keyphrase: 'keyphrase',
  keywords: 'keywords',
  competitorUrls: 'competitor URLs',
  skipResearch: 'skip research',
  tone: 'tone',
  audience: 'audience',
  brief: 'brief',
  channels: 'channels',
  postChannelId: 'channel',
};

export type BriefEdit = {
  changed: BriefField[];
  /** The first stage whose inputs changed; null when no content input changed. */
  restartAt: Stage | null;
  addedVariants: VariantChannelId[];
  removedVariants: VariantChannelId[];
  /** The plan's message moves to another channel. */
  isMoved: boolean;
  /** Whether the content changes, so a new revision starts (earlier approvals no longer count). */
  isNewRevision: boolean;
};

/** Compares the brief before and after an edit and says from which stage the plan must run again. */
export function planBriefEdit(before: BriefFields, after: BriefFields): BriefEdit {
  const changed = (Object.keys(FIELD_STAGE) as BriefField[]).filter((field) => !isSameValue(before[field], after[field]));
  const beforeVariants = before.channels.filter(isVariantChannel);
  const afterVariants = after.channels.filter(isVariantChannel);
  const addedVariants = afterVariants.filter((channel) => !beforeVariants.includes(channel));
  const removedVariants = beforeVariants.filter((channel) => !afterVariants.includes(channel));
  const stages = changed.flatMap((field): Stage[] => {
    const feeds = FIELD_STAGE[field];
    if (feeds === 'research' || feeds === 'draft') return [feeds];
    if (feeds === 'channels') return addedVariants.length > 0 ? ['variants'] : [];
    return [];
  });
  return {
    changed,
    restartAt: earliestStage(stages),
    addedVariants,
    removedVariants,
    isMoved: changed.includes('postChannelId'),
    isNewRevision: changed.some((field) => field !== 'postChannelId'),
  };
}

/** Statuses whose brief can still be edited (before approval; a failed publish was approved). */
export function canEditBrief(plan: { status: PlanStatus; approvedAt: Date | null; failedStage: FailedStage | null }): boolean {
  if (plan.approvedAt !== null) return false;
  if (plan.status === 'failed') return plan.failedStage !== 'publish';
  return (['queued', 'researching', 'drafting', 'optimizing', 'generating_variants', 'in_review', 'changes_requested'] as const).some(
    (status) => status === plan.status,
  );
}

/**
 * Where a new revision starts: the earlier of the first stage whose inputs changed and the stage the
 * plan has not finished yet (a plan still drafting redrafts even when only a channel was added).
 * Optimisation starts from a draft, so a plan not past it restarts at the draft. Null: nothing to
 * run again (a plan in review keeps its content, minus removed variants).
 */
export function restartStageOf(edit: Pick<BriefEdit, 'restartAt'>, plan: { status: PlanStatus; failedStage: FailedStage | null }): Stage | null {
  return earliestStage([edit.restartAt, unfinishedStageOf(plan)].flatMap((stage) => (stage ? [stage] : [])));
}

function unfinishedStageOf({ status, failedStage }: { status: PlanStatus; failedStage: FailedStage | null }): Stage | null {
  const stage: Stage | null = (() => {
    switch (status) {
      case 'queued':
      case 'researching':
        return 'research';
      case 'drafting':
      case 'changes_requested':
        return 'draft';
      case 'optimizing':
        return 'optimize';
      case 'generating_variants':
        return 'variants';
      case 'failed':
        return failedStage === 'publish' ? null : (failedStage ?? 'research');
      default:
        return null;
    }
  })();
  return stage === 'optimize' ? 'draft' : stage;
}

const ORDER: Record<Stage, number> = { research: 0, draft: 1, optimize: 2, variants: 3 };

function earliestStage(stages: readonly Stage[]): Stage | null {
  return stages.reduce<Stage | null>((earliest, stage) => (earliest === null || ORDER[stage] < ORDER[earliest] ? stage : earliest), null);
}

function isSameValue(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((value, index) => value === b[index]);
  return (a ?? null) === (b ?? null);
}
