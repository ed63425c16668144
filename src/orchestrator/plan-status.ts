/** Plan states and the one function that decides which moves are allowed (DESIGN.md, "Plan states"). */
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
  'failed',
  'expired',
  'cancelled',
] as const;

export type PlanStatus = (typeof PLAN_STATUSES)[number];

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

export const RUNNING_STATUSES: readonly PlanStatus[] = ['queued', 'researching', 'drafting', 'optimizing', 'generating_variants'];
export const TERMINAL_STATUSES: readonly PlanStatus[] = ['rejected', 'published', 'expired', 'cancelled'];

export type PlanEvent =
  | { type: 'stage_started'; stage: Stage }
  | { type: 'variants_completed' }
  | { type: 'stage_failed' }
  | { type: 'retry'; stage: FailedStage }
  | { type: 'approve' }
  | { type: 'reject' }
  | { type: 'request_changes' }
  | { type: 'schedule' }
  | { type: 'unschedule' }
  | { type: 'publish' }
  | { type: 'published' }
  | { type: 'expire' }
  | { type: 'cancel' };

const STAGE_ORDER: Record<Stage, number> = { research: 0, draft: 1, optimize: 2, variants: 3 };

/** The status a plan moves to on an event, or null when the event is not allowed from `from`. */
export function nextPlanStatus(from: PlanStatus, event: PlanEvent): PlanStatus | null {
  switch (event.type) {
    case 'stage_started': {
      const to = STAGE_STATUS[event.stage];
      if (from === to) return to;
      if (from === 'queued') return event.stage === 'research' || event.stage === 'draft' ? to : null;
      if (from === 'changes_requested') return event.stage === 'draft' ? to : null;
      const current = stageOfStatus(from);
      return current !== null && STAGE_ORDER[event.stage] === STAGE_ORDER[current] + 1 ? to : null;
    }
    case 'variants_completed':
      return from === 'generating_variants' ? 'in_review' : null;
    case 'stage_failed':
      return RUNNING_STATUSES.includes(from) || from === 'changes_requested' || from === 'publishing' ? 'failed' : null;
    case 'retry':
      if (from !== 'failed') return null;
      return event.stage === 'publish' ? 'publishing' : STAGE_STATUS[event.stage];
    // A scheduled plan may still wait for approvals ("Approve & schedule" with two required).
    case 'approve':
      return from === 'in_review' ? 'approved' : from === 'scheduled' ? 'scheduled' : null;
    case 'reject':
    case 'request_changes':
      if (from !== 'in_review' && from !== 'scheduled') return null;
      return event.type === 'reject' ? 'rejected' : 'changes_requested';
    case 'schedule':
      return from === 'in_review' || from === 'approved' || from === 'scheduled' ? 'scheduled' : null;
    case 'unschedule':
      return from === 'scheduled' ? 'approved' : null;
    case 'publish':
      return from === 'approved' || from === 'scheduled' ? 'publishing' : null;
    case 'published':
      return from === 'publishing' ? 'published' : null;
    case 'expire':
      return from === 'scheduled' ? 'expired' : null;
    case 'cancel':
      return TERMINAL_STATUSES.includes(from) || from === 'publishing' ? null : 'cancelled';
  }
}

export function stageOfStatus(status: PlanStatus): Stage | null {
  const entry = Object.entries(STAGE_STATUS).find(([, value]) => value === status);
  return entry ? (entry[0] as Stage) : null;
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
  failed: 'Failed',
  expired: 'Expired',
  cancelled: 'Cancelled',
};
