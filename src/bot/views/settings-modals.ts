/**
 * The settings modals the App Home opens, each a pure builder with its parser beside it
 * (src/bot/views/settings/). Parsers answer `{ ok: true, value }` or `{ ok: false, errors }` keyed by
 * block id, ready for `ack({ response_action: 'errors', errors })`.
 */
export type { ParseResult, SubmittedView } from './settings/form.ts';
export { buildApproversModal, parseApproversSubmission, MAX_REQUIRED_APPROVALS, type ApproversSettings } from './settings/approvers-modal.ts';
export { buildDefaultsModal, parseDefaultsSubmission, TARGET_WORDS_RANGE, type DefaultsSettings } from './settings/defaults-modal.ts';
export { buildBrandVoiceModal, parseBrandVoiceSubmission, BRAND_VOICE_LIMITS } from './settings/brand-voice-modal.ts';
export { buildQualityModal, parseQualitySubmission, QUALITY_RANGES, type QualitySettings } from './settings/quality-modal.ts';
export {
  buildPromptsModal,
  parsePromptsSubmission,
  parsePromptSelection,
  PROMPT_LABELS,
  PROMPT_OVERRIDE_MAX_LENGTH,
  type PromptOverride,
  type PromptsModalOptions,
} from './settings/prompts-modal.ts';
export {
  buildDestinationsModal,
  parseDestinationKind,
  MAX_LISTED_DESTINATIONS,
  type DestinationListItem,
  type DestinationsModalOptions,
} from './settings/destinations-modal.ts';
export {
  buildDestinationFormModal,
  parseDestinationFormSubmission,
  DESTINATION_NAME_MAX_LENGTH,
  type DestinationFormOptions,
  type DestinationSubmission,
} from './settings/destination-form-modal.ts';
