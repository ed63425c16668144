import { z } from 'zod';
import { VARIANT_CHANNELS, type VariantChannelId } from './channels.ts';

/**
 * Plan states and the events that move a plan between them (DESIGN.md, "Plan states").
 * `nextPlanStatus` is the only place that decides a move; `applyPlanEvent` (src/db/plan-events.ts)
 * is the only place that writes one.
 */
export const PLAN_STATUSES = [
  'queued',
  'researching',
  'drafting',
  'optimizing',
  'generating_variants',
  'in_review',
  'approved',
  'rejected',
  'changes_requested',
  'scheduled',
  'publishing',
  'published',
  /** Some destinations published and the rest failed; each failed one can be retried. */
  'partially_published',
  'failed',
  'expired',
  'cancelled',
] as const;

export type PlanStatus = (typeof PLAN_STATUSES)[number];

/**
 * What a "Request changes" asks to redo: the whole plan (a new outline and draft), the blog post only
 * (the draft revised, its outline kept), or one channel's variant (nothing else is written again).
 */
export type ChangeScope = { kind: 'plan' } | { kind: 'blog' } | { kind: 'variant'; channel: VariantChannelId };

export const WHOLE_PLAN: ChangeScope = { kind: 'plan' };

export const changeScopeSchema: z.ZodType<ChangeScope> = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('plan') }),
  z.object({ kind: z.literal('blog') }),
  z.object({ kind: z.literal('variant'), channel: z.enum(VARIANT_CHANNELS) }),
]);

/** A stored or submitted scope; anything unreadable (a row from before scopes existed) is the whole plan. */
export function parseChangeScope(value: unknown): ChangeScope {
  const parsed = changeScopeSchema.safeParse(value);
  return parsed.success ? parsed.data : WHOLE_PLAN;
}

export const STAGES = ['research', 'draft', 'optimize', 'variants'] as const;
export type Stage = (typeof STAGES)[number];
/** Publishing can fail too, after review; it is not one of the pipeline's stages. */
export type FailedStage = Stage | 'publish';

export const STAGE_STATUS: Record<Stage, PlanStatus> = {
  research: 'researching',
  draft: 'drafting',
  optimize: 'optimizing',
  variants: 'generating_variants',
};

/** A new plan starts here (the `submitted` event). */
export const INITIAL_PLAN_STATUS: PlanStatus = 'queued';

export const RUNNING_STATUSES: readonly PlanStatus[] = ['queued', 'researching', 'drafting', 'optimizing', 'generating_variants'];
export const TERMINAL_STATUSES: readonly PlanStatus[] = ['rejected', 'published', 'expired', 'cancelled'];

/** Statuses in which the brief may be edited. */
export const BRIEF_EDITABLE_STATUSES: readonly PlanStatus[] = [...RUNNING_STATUSES, 'in_review', 'changes_requested', 'failed'];

export type PlanEvent =
  | { type: 'submitted' }
  /** The pipeline starts; later stages start when the one before succeeds. */
  | { type: 'stage_started'; stage: Stage }
  /** After "Request changes": the next revision starts where its scope says (firstStageOf). */
  | { type: 'revision_started'; scope: ChangeScope }
  /** `hasVariants: false` after optimising means there is nothing left to write, so review starts. */
  | { type: 'stage_succeeded'; stage: Stage; hasVariants?: boolean }
  | { type: 'stage_failed'; stage: Stage; reason: string }
  | { type: 'approved' }
  | { type: 'changes_requested' }
  | { type: 'rejected' }
  | { type: 'scheduled' }
  /** Unscheduling returns an approved plan to approved, and one still short of approvals to review. */
  | { type: 'unscheduled'; isApproved: boolean }
  | { type: 'publish_started' }
  | { type: 'published' }
  /** Every destination is done and some failed while others published. */
  | { type: 'partially_published' }
  | { type: 'publish_failed'; reason: string }
  | { type: 'expired' }
  | { type: 'cancelled' }
  | { type: 'retried'; stage: FailedStage }
  /** A new revision after the brief changed: it runs again from `restartAt`, or stays in review when null. */
  | { type: 'brief_edited'; restartAt: Stage | null };

const STAGE_ORDER: Record<Stage, number> = { research: 0, draft: 1, optimize: 2, variants: 3 };

/** The status a plan moves to on an event, or null when the event is not allowed from `from`. */
export function nextPlanStatus(from: PlanStatus, event: PlanEvent): PlanStatus | null {
  switch (event.type) {
    // A plan is created in its initial status; there is no status to move from.
    case 'submitted':
      return null;
    case 'stage_started':
      return from === 'queued' && event.stage === 'research' ? 'researching' : null;
    case 'revision_started':
      return from === 'changes_requested' ? STAGE_STATUS[firstStageOf(event.scope)] : null;
    case 'stage_succeeded': {
      if (from !== STAGE_STATUS[event.stage]) return null;
      if (event.stage === 'variants') return 'in_review';
      if (event.stage === 'optimize' && event.hasVariants === false) return 'in_review';
      const next = STAGES[STAGE_ORDER[event.stage] + 1];
      return next ? STAGE_STATUS[next] : null;
    }
    case 'stage_failed':
      return RUNNING_STATUSES.includes(from) || from === 'changes_requested' ? 'failed' : null;
    case 'retried':
      // A partly published plan retries its failed destinations one by one.
      if (from === 'partially_published') return event.stage === 'publish' ? 'publishing' : null;
      if (from !== 'failed') return null;
      return event.stage === 'publish' ? 'publishing' : STAGE_STATUS[event.stage];
    // A scheduled plan may still wait for approvals ("Approve & schedule" with two required).
    case 'approved':
      return from === 'in_review' ? 'approved' : from === 'scheduled' ? 'scheduled' : null;
    case 'rejected':
      return from === 'in_review' || from === 'scheduled' ? 'rejected' : null;
    case 'changes_requested':
      return from === 'in_review' || from === 'scheduled' ? 'changes_requested' : null;
    case 'scheduled':
      return from === 'in_review' || from === 'approved' || from === 'scheduled' ? 'scheduled' : null;
    case 'unscheduled':
      if (from !== 'scheduled') return null;
      return event.isApproved ? 'approved' : 'in_review';
    case 'publish_started':
      return from === 'approved' || from === 'scheduled' ? 'publishing' : null;
    case 'published':
      return from === 'publishing' ? 'published' : null;
    case 'partially_published':
      return from === 'publishing' ? 'partially_published' : null;
    case 'publish_failed':
      return from === 'publishing' ? 'failed' : null;
    case 'expired':
      return from === 'scheduled' ? 'expired' : null;
    case 'cancelled':
      // Something is already out there once a plan is partly published.
      return TERMINAL_STATUSES.includes(from) || from === 'publishing' || from === 'partially_published' ? null : 'cancelled';
    // Before approval only; a failed publish (approved already) is refused by the caller, which sees the failed stage.
    case 'brief_edited':
      if (!BRIEF_EDITABLE_STATUSES.includes(from)) return null;
      if (event.restartAt) return STAGE_STATUS[event.restartAt];
      return from === 'in_review' ? 'in_review' : null;
  }
}

/** Fields every application of an event sets besides the status. */
export type PlanEventEffects = { failedStage?: FailedStage | null; error?: string | null };

export function planEventEffects(event: PlanEvent): PlanEventEffects {
  switch (event.type) {
    case 'stage_failed':
      return { failedStage: event.stage, error: event.reason };
    case 'publish_failed':
      return { failedStage: 'publish', error: event.reason };
    case 'retried':
    case 'brief_edited':
      return { failedStage: null, error: null };
    default:
      return {};
  }
}

/** Every status the event can move a plan from, with where it goes: what a conditional write needs. */
export function planTransitionsFor(event: PlanEvent): { from: PlanStatus; to: PlanStatus }[] {
  return PLAN_STATUSES.flatMap((from) => {
    const to = nextPlanStatus(from, event);
    return to ? [{ from, to }] : [];
  });
}

/** The stage a revision starts at: a variant-scoped change writes that variant only, anything else redrafts. */
export function firstStageOf(scope: ChangeScope): Stage {
  return scope.kind === 'variant' ? 'variants' : 'draft';
}

export function stageOfStatus(status: PlanStatus): Stage | null {
  return STAGES.find((stage) => STAGE_STATUS[stage] === status) ?? null;
}

/** True when a plan in `status` is past `stage`: its pipeline moved on, or the plan left the pipeline. */
export function isPastStage(status: PlanStatus, stage: Stage): boolean {
  const current = stageOfStatus(status);
  if (current !== null) return STAGE_ORDER[current] > STAGE_ORDER[stage];
  if (status === 'queued') return false;
  return status !== 'failed' && status !== 'changes_requested';
}

export function isPlanStatus(value: string): value is PlanStatus {
  return (PLAN_STATUSES as readonly string[]).includes(value);
}

export const STATUS_LABELS: Record<PlanStatus, string> = {
  queued: 'Queued',
  researching: 'Researching',
  drafting: 'Drafting',
  optimizing: 'Optimising',
  generating_variants: 'Writing variants',
  in_review: 'In review',
  approved: 'Approved',
  rejected: 'Rejected',
  changes_requested: 'Changes requested',
  scheduled: 'Scheduled',
  publishing: 'Publishing',
  published: 'Published',
  partially_published: 'Partly published',
  failed: 'Failed',
  expired: 'Expired',
  cancelled: 'Cancelled',
};

/** States after which the author's Home shows something new. */
export const HOME_RELEVANT_STATUSES: readonly PlanStatus[] = [
  'in_review',
  'approved',
  'scheduled',
  'published',
  'partially_published',
  'rejected',
  'failed',
  'expired',
];

/** A plan waits for approvers while in review, or once scheduled before it had all its approvals. */
export function isAwaitingApproval({ status, isApproved }: { status: PlanStatus; isApproved: boolean }): boolean {
  return status === 'in_review' || (status === 'scheduled' && !isApproved);
}
