/** The prompt of each stage: its template (the workspace's override or the default) filled from the plan. */
import { CHANNEL_LABELS, type VariantChannelId } from '../../domain/channels.ts';
import { AppError } from '../../errors.ts';
import type { ContentCheck } from '../seo/analyze.ts';
import type { Draft, PlanBrief, Research } from '../types.ts';
import { CHANNEL_RULES } from './channel-rules.ts';
import {
  buildVoiceBlock,
  formatChecks,
  formatDraft,
  formatEvidence,
  formatKeywords,
  formatList,
  formatPages,
  formatResearchNotes,
  formatSourceList,
  type PromptPage,
} from './formatters.ts';
import {
  findMissingPlaceholders,
  findUnknownPlaceholders,
  formatPlaceholders,
  hasPromptSeparator,
  loadDefaultPrompt,
  PROMPT_PLACEHOLDERS,
  PROMPT_SEPARATOR,
  renderPrompt,
  splitPromptTemplate,
  UNTRUSTED_DATA_RULE,
  type PromptName,
  type PromptPair,
} from './templates.ts';

const PLACEHOLDER_LABELS: Record<string, string> = {
  topic: 'Topic',
  keyphrase: 'Focus keyphrase',
  voice: 'Voice, tone and brief (follow them)',
  sources: 'Sources',
  evidence: 'Evidence from the sources (the only figures you may state)',
  research: 'Research',
  outline: 'Outline',
  target_words: 'Target length in words',
  feedback: 'Reviewer feedback to address',
  checks: 'Failed checks to fix',
  draft: 'The post',
  channel_rules: "The channel's rules",
  violations: 'Problems with your previous answer that this one must fix',
};

function buildPrompt(name: PromptName, brief: PlanBrief, values: Record<string, string>): PromptPair {
  const override = brief.promptOverrides[name];
  const isOverride = override !== undefined && override.trim() !== '';
  const template = isOverride ? override : loadDefaultPrompt(name);
  const where = isOverride ? `The workspace's ${name} prompt override` : `The default ${name} prompt`;
  const fix = isOverride ? '; fix the override in the App Home' : '';
  const unknown = findUnknownPlaceholders(name, template);
  if (unknown.length > 0) {
    throw new AppError(
      'INVALID_INPUT',
      `${where} uses ${formatPlaceholders(unknown)}, which the ${name} prompt does not offer (it offers ${formatPlaceholders(PROMPT_PLACEHOLDERS[name])})${fix}.`,
      { details: { prompt: name, unknown, isOverride } },
    );
  }
  if (!hasPromptSeparator(template)) {
    throw new AppError('INVALID_INPUT', `${where} has no "${PROMPT_SEPARATOR}" line between its system part and its user part${fix}.`, {
      details: { prompt: name, isOverride },
    });
  }
  const parts = splitPromptTemplate(template);
  // Plans keep the settings they were made with, so a retry cannot pick up a fixed override: rather than
  // fail, an override that dropped a required placeholder gets it appended, and voice and sources still reach the model.
  const missing = findMissingPlaceholders(name, template);
  const user = [parts.user, ...missing.map((placeholder) => `${PLACEHOLDER_LABELS[placeholder] ?? placeholder}:\n{{${placeholder}}}`)]
    .filter(Boolean)
    .join('\n\n');
  return {
    system: `${renderPrompt(parts.system, values)}\n\n${UNTRUSTED_DATA_RULE}`,
    user: renderPrompt(user, values),
  };
}

function commonValues(brief: PlanBrief): Record<string, string> {
  return {
    topic: brief.topic.trim(),
    keyphrase: brief.keyphrase.trim(),
    keywords: formatKeywords(brief.keywords),
    voice: buildVoiceBlock(brief),
  };
}

export function buildResearchPrompt({ brief, pages }: { brief: PlanBrief; pages: readonly PromptPage[] }): PromptPair {
  return buildPrompt('research', brief, {
    ...commonValues(brief),
    sources: formatPages(pages),
    page_count: String(pages.length),
  });
}

export function buildOutlinePrompt({
  brief,
  research,
  feedback,
}: {
  brief: PlanBrief;
  research: Research | null;
  feedback: readonly string[];
}): PromptPair {
  return buildPrompt('outline', brief, {
    ...commonValues(brief),
    research: formatResearchNotes(research, { withCompetitors: true }),
    target_words: String(brief.targetWords),
    feedback: formatList(feedback, 'None.'),
  });
}

export function buildDraftPrompt({
  brief,
  research,
  outline,
  feedback,
  previousDraft,
  violations,
}: {
  brief: PlanBrief;
  research: Research | null;
  outline: readonly string[];
  feedback: readonly string[];
  previousDraft: Draft | null;
  violations: readonly string[];
}): PromptPair {
  return buildPrompt('draft', brief, {
    ...commonValues(brief),
    outline: outline.length > 0 ? outline.join('\n') : 'None: choose the sections yourself.',
    sources: formatSourceList(research),
    evidence: formatEvidence(research),
    research: research ? formatResearchNotes(research, { withCompetitors: false }) : 'None.',
    target_words: String(brief.targetWords),
    feedback: formatList(feedback, 'None.'),
    previous_draft: previousDraft ? formatDraft(previousDraft) : 'None: write a new post.',
    violations: formatList(violations, 'None.'),
  });
}

export function buildRevisionPrompt({
  brief,
  research,
  draft,
  checks,
  violations,
}: {
  brief: PlanBrief;
  research: Research | null;
  draft: Draft;
  checks: readonly ContentCheck[];
  violations: readonly string[];
}): PromptPair {
  return buildPrompt('revise', brief, {
    ...commonValues(brief),
    checks: formatChecks(checks, brief.keyphrase.trim()),
    sources: formatSourceList(research),
    evidence: formatEvidence(research),
    draft: formatDraft(draft),
    violations: formatList(violations, 'None.'),
  });
}

export function buildVariantPrompt({
  brief,
  channel,
  draft,
  feedback = [],
  previousAttempt,
  violations,
}: {
  brief: PlanBrief;
  channel: VariantChannelId;
  draft: Draft;
  /** Reviewers' feedback on this channel's variant; empty unless a change was asked for it. */
  feedback?: readonly string[];
  /** The last answer that broke the rules, or the variant under review being revised, so the model can edit rather than start over. */
  previousAttempt: unknown;
  violations: readonly string[];
}): PromptPair {
  return buildPrompt('variant', brief, {
    feedback: formatList(feedback, 'None.'),
    ...commonValues(brief),
    channel: CHANNEL_LABELS[channel],
    channel_rules: CHANNEL_RULES[channel],
    draft: formatDraft(draft),
    previous_attempt: previousAttempt === null || previousAttempt === undefined ? 'None.' : JSON.stringify(previousAttempt, null, 2),
    violations: formatList(violations, 'None.'),
  });
}
