/** Every callback, block and action id, shared by the Block Kit builders, the listeners and the tests. */

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
  /** The same form reopened to edit a plan's brief; its private_metadata carries the plan id. */
  editCallbackId: 'plan_edit_modal',
} as const;

/** The confirm dialog of Delete; its private_metadata carries the plan id. */
export const DELETE_PLAN_MODAL = { callbackId: 'delete_plan_modal' } as const;

/** The options of the plan message's overflow menu; each option's value is `<option>:<plan id>`. */
export const MANAGE_OPTIONS = ['edit_brief', 'cancel', 'delete'] as const;
export type ManageOption = (typeof MANAGE_OPTIONS)[number];

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
  /** The plan message's overflow menu: Edit brief, Cancel, Delete (MANAGE_OPTIONS). */
  managePlan: 'manage_plan',
} as const;

/**
 * A decision button's value: the plan and the revision it was shown for, `<planId>:<revision>`, so a
 * press on an older revision's button can be told apart from one on the current revision.
 */
export function decisionButtonValue(plan: { id: string; revision: number }): string {
  return `${plan.id}:${plan.revision}`;
}

/** Buttons made before values carried a revision read as revision -1: always out of date. */
export const UNKNOWN_REVISION = -1;

export function parseDecisionButtonValue(value: string | undefined): { planId: string; revision: number } | null {
  if (!value) return null;
  const match = /^([^:]+)(?::(\d{1,9}))?$/.exec(value);
  if (!match?.[1]) return null;
  return { planId: match[1], revision: match[2] === undefined ? UNKNOWN_REVISION : Number(match[2]) };
}

/** Modals that carry a decision; each keeps the plan id and revision in private_metadata. */
/**
 * The content calendar. Reschedule on it is the plan message's Schedule button (ACTIONS.schedule, with
 * decisionButtonValue), so it opens the same schedule modal under the same checks.
 */
export const CALENDAR_ACTIONS = {
  /**
   * Previous, this or next week or month of `/content calendar`: action ids `calendar_page_previous`,
   * `_current`, `_next`; value `<week|month>:<offset>` (see parseCalendarPageValue).
   */
  page: 'calendar_page',
  /** The same on the Home's Calendar section; the page is kept in the Home's private_metadata. */
  homePage: 'home_calendar_page',
} as const;

export const DECISION_MODALS = {
  requestChanges: { callbackId: 'request_changes_modal', block: 'feedback', scopeBlock: 'scope', action: 'value' },
  reject: { callbackId: 'reject_modal', block: 'reason', action: 'value' },
  schedule: { callbackId: 'schedule_modal', timeBlock: 'publish_at', destinationsBlock: 'destinations', timeModeBlock: 'time_mode', action: 'value' },
} as const;

export const BLOCKS = {
  postElsewhere: 'post_elsewhere',
  /** The actions block of a plan's message (Approve, Request changes, ...). */
  planReviewActions: 'plan_review_actions',
  /** The Retry button's block on a failed plan's message. */
  planFailureActions: 'plan_failure_actions',
  /** A Retry button per failed destination on a plan's message. */
  planDestinationRetries: 'plan_destination_retries',
} as const;

// The App Home and the settings modals.

/** Every input in the settings modals uses this action id inside its own block. */
export const SETTINGS_INPUT_ACTION = 'value';

export const SETTINGS_GROUPS = ['approvers', 'defaults', 'brand_voice', 'quality', 'prompts', 'destinations'] as const;
export type SettingsGroup = (typeof SETTINGS_GROUPS)[number];

export const SETTINGS_GROUP_LABELS: Record<SettingsGroup, string> = {
  approvers: 'Approvers & policy',
  defaults: 'Defaults',
  brand_voice: 'Brand voice',
  quality: 'Quality',
  prompts: 'Prompts',
  destinations: 'Destinations',
};

export const HOME_LISTS = ['my_plans', 'waiting'] as const;
export type HomeList = (typeof HOME_LISTS)[number];

export const HOME_ACTIONS = {
  /** A settings group's button; its value is the group (`SettingsGroup`). */
  openSettings: 'home_open_settings',
  /** The next page of a list; value `<list>:<page>`, such as `my_plans:2` (see parseHomePage). */
  nextPage: 'home_next_page',
  /** The previous page of a list; same value format. */
  previousPage: 'home_previous_page',
  /** Connect or Reconnect: a link button to /connect/<provider>; value: the provider. */
  connectAccount: 'home_connect_account',
  /** Disconnect a connected account; value: its id. */
  disconnectAccount: 'home_disconnect_account',
} as const;

export const SETTINGS_MODALS = {
  approvers: {
    callbackId: 'settings_approvers',
    blocks: {
      approvers: 'approvers',
      requiredApprovals: 'required_approvals',
      selfApproval: 'self_approval',
      admins: 'admins',
      installer: 'installer',
    },
  },
  defaults: {
    callbackId: 'settings_defaults',
    blocks: {
      channel: 'default_channel',
      channels: 'default_channels',
      tone: 'default_tone',
      targetWords: 'target_words',
    },
  },
  brandVoice: {
    callbackId: 'settings_brand_voice',
    blocks: {
      description: 'voice_description',
      dos: 'voice_dos',
      donts: 'voice_donts',
      examples: ['voice_example_1', 'voice_example_2', 'voice_example_3'],
    },
  },
  quality: {
    callbackId: 'settings_quality',
    blocks: {
      seoThreshold: 'seo_threshold',
      readabilityThreshold: 'readability_threshold',
      maxRevisions: 'max_revisions',
    },
  },
  prompts: {
    callbackId: 'settings_prompts',
    blocks: {
      /** An input block with dispatch_action: choosing a prompt sends `actions.select`. */
      name: 'prompt_name',
      defaultText: 'prompt_default',
      /** Followed by `_<prompt name>` (promptOverrideBlockId) so switching prompts shows that prompt's override. */
      override: 'prompt_override',
      /** Followed by `_<prompt name>` (promptResetBlockId). */
      reset: 'prompt_reset',
    },
    actions: { select: 'prompt_select' },
  },
  destinations: {
    callbackId: 'settings_destinations',
    actions: {
      /** Value: the destination id. */
      edit: 'destination_edit',
      /** Value: the destination id. */
      test: 'destination_test',
      /** Value: the destination id; the button asks for confirmation first. */
      remove: 'destination_remove',
    },
    blocks: { add: 'destination_add', notice: 'destination_notice' },
  },
  destinationForm: {
    callbackId: 'settings_destination_form',
    blocks: {
      name: 'destination_name',
      channel: 'destination_channel',
      url: 'destination_url',
      secret: 'destination_secret',
      siteUrl: 'destination_site_url',
      username: 'destination_username',
      applicationPassword: 'destination_app_password',
      status: 'destination_status',
    },
  },
} as const;

/** One "Add …" button per destination kind (unique action ids in one actions block); each value is the kind. */
export function destinationAddActionId(kind: string): string {
  return `destination_add_${kind}`;
}

/** A failed destination's Retry on a plan's message (unique ids in one actions block); value: plan id and destination key. */
export function destinationRetryActionId(index: number): string {
  return `retry_destination_${index}`;
}

export const DESTINATION_RETRY_ACTION_PATTERN = /^retry_destination_\d+$/;

/** Matches every `destinationAddActionId`, for one listener: `app.action(DESTINATION_ADD_ACTION_PATTERN, …)`. */
export const DESTINATION_ADD_ACTION_PATTERN = /^destination_add_[a-z][a-z0-9_]*$/;

export function promptOverrideBlockId(name: string): string {
  return `${SETTINGS_MODALS.prompts.blocks.override}_${name}`;
}

export function promptResetBlockId(name: string): string {
  return `${SETTINGS_MODALS.prompts.blocks.reset}_${name}`;
}