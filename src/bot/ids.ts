/** Callback, block and action ids shared by the Block Kit builders and the listeners. */
export const COMMAND = '/content';

export const PLAN_MODAL = {
  callbackId: 'plan_modal',
  blocks: {
    topic: 'topic',
    keyphrase: 'keyphrase',
    keywords: 'keywords',
    audience: 'audience',
    tone: 'tone',
    channels: 'channels',
    competitorUrls: 'competitor_urls',
    brief: 'brief',
    skipResearch: 'skip_research',
    postChannel: 'post_channel',
  },
  /** Every input in the plan modal uses this action id inside its own block. */
  inputAction: 'value',
} as const;

export const ACTIONS = {
  newPlan: 'new_plan',
  openPlan: 'open_plan',
  retryPlan: 'retry_plan',
  approve: 'approve_plan',
  requestChanges: 'request_changes',
  reject: 'reject_plan',
  schedule: 'schedule_plan',
  publishNow: 'publish_now',
  unschedule: 'unschedule_plan',
  postElsewhere: 'post_plan_elsewhere',
  postElsewhereChannel: 'post_plan_elsewhere_channel',
} as const;

/** Modals that carry a decision; each keeps the plan id in private_metadata. */
export const DECISION_MODALS = {
  requestChanges: { callbackId: 'request_changes_modal', block: 'feedback', action: 'value' },
  reject: { callbackId: 'reject_modal', block: 'reason', action: 'value' },
  schedule: { callbackId: 'schedule_modal', timeBlock: 'publish_at', destinationsBlock: 'destinations', action: 'value' },
} as const;

export const BLOCKS = {
  postElsewhere: 'post_elsewhere',
} as const;
