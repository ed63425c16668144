import type { KnownBlock, ModalView } from '@slack/types';
import { z } from 'zod';
import {
  findPromptTemplateProblems,
  isPromptName,
  PROMPT_NAMES,
  PROMPT_PLACEHOLDERS,
  PROMPT_SEPARATOR,
  REQUIRED_PLACEHOLDERS,
  type PromptName,
} from '../../../orchestrator/prompts/templates.ts';
import { context, cutText, escapeMrkdwn, section, splitText } from '../../blocks/format.ts';
import { SETTINGS_INPUT_ACTION as A, promptOverrideBlockId, promptResetBlockId, SETTINGS_MODALS } from '../../ids.ts';
import { inputBlock, option, parseMetadata, readForm, settingsModal, type ParseResult, type SubmittedView } from './form.ts';

const { callbackId, blocks: B, actions } = SETTINGS_MODALS.prompts;

export const PROMPT_LABELS: Record<PromptName, string> = {
  research: 'Research',
  outline: 'Outline',
  draft: 'Draft',
  revise: 'SEO pass',
  variant: 'Channel variants',
};

/** Slack's plain_text_input takes at most 3,000 characters. */
export const PROMPT_OVERRIDE_MAX_LENGTH = 3000;
/** How much of the default the modal shows, in sections of a code block each. */
const DEFAULT_PIECE_LENGTH = 2400;
const DEFAULT_PIECES = 2;
const RESET = 'reset';

export type PromptsModalOptions = {
  selected: PromptName;
  /** `loadDefaultPrompt(selected)`. */
  defaultText: string;
  /** The workspace's override of the selected prompt, or null when it uses the default. */
  override: string | null;
  /** Prompts that have an override, marked in the menu. */
  overridden?: readonly PromptName[];
};

type PromptsMetadata = { name: PromptName };
const metadataSchema = z.object({ name: z.enum(PROMPT_NAMES) });

/**
 * "Prompts": one prompt at a time. Choosing another in the menu sends a block action
 * (`SETTINGS_MODALS.prompts.actions.select`); the listener answers with `views.update` and this
 * builder for the new selection. The override's block id carries the prompt's name, so Slack shows
 * the new prompt's override instead of keeping what was typed for the last one.
 */
export function buildPromptsModal({ selected, defaultText, override, overridden = [] }: PromptsModalOptions): ModalView {
  const promptOption = (name: PromptName) =>
    option(overridden.includes(name) ? `${PROMPT_LABELS[name]} (overridden)` : PROMPT_LABELS[name], name);
  const metadata: PromptsMetadata = { name: selected };
  const blocks: KnownBlock[] = [
    inputBlock(
      B.name,
      'Prompt',
      { type: 'static_select', action_id: actions.select, options: PROMPT_NAMES.map(promptOption), initial_option: promptOption(selected) },
      { dispatchAction: true },
    ),
    ...buildDefaultBlocks(selected, defaultText),
    inputBlock(
      promptOverrideBlockId(selected),
      override === null ? 'Your version (none yet)' : 'Your version',
      {
        type: 'plain_text_input',
        action_id: A,
        multiline: true,
        max_length: PROMPT_OVERRIDE_MAX_LENGTH,
        placeholder: { type: 'plain_text', text: 'Copy the default above and edit it. Leave empty to use the default.' },
        ...(override === null || override === '' ? {} : { initial_value: override.slice(0, PROMPT_OVERRIDE_MAX_LENGTH) }),
      },
      { optional: true, hint: `Keep ${formatPlaceholders(REQUIRED_PLACEHOLDERS[selected])} and the "${PROMPT_SEPARATOR}" line.` },
    ),
  ];
  if (override !== null) {
    blocks.push(
      inputBlock(
        promptResetBlockId(selected),
        'Reset',
        { type: 'checkboxes', action_id: A, options: [option('Reset to the default', RESET)] },
        { optional: true },
      ),
    );
  }
  blocks.push(context('Changes apply to plans created from now on.'));
  return settingsModal({ callbackId, title: 'Prompts', blocks, privateMetadata: JSON.stringify(metadata) });
}

function buildDefaultBlocks(name: PromptName, defaultText: string): KnownBlock[] {
  const pieces = splitText(defaultText.trim(), DEFAULT_PIECE_LENGTH);
  const shown = pieces.slice(0, DEFAULT_PIECES);
  const hiddenLength = pieces.slice(DEFAULT_PIECES).reduce((total, piece) => total + piece.length, 0);
  const blocks: KnownBlock[] = [section(`*The default ${PROMPT_LABELS[name].toLowerCase()} prompt*`)];
  for (const piece of shown) {
    // Escaping can lengthen the text; the cut keeps the fence inside the section's 3,000 characters.
    blocks.push(section(`\`\`\`${cutText(escapeMrkdwn(piece), { maxLength: 2990 })}\`\`\``));
  }
  const notes = [
    `It needs ${formatPlaceholders(REQUIRED_PLACEHOLDERS[name])}; it may also use ${formatPlaceholders(
      PROMPT_PLACEHOLDERS[name].filter((placeholder) => !REQUIRED_PLACEHOLDERS[name].includes(placeholder)),
    )}. The system part comes first, then a line \`${PROMPT_SEPARATOR}\`, then the user part.`,
  ];
  if (hiddenLength > 0) notes.unshift(`The default goes on for ${hiddenLength.toLocaleString('en-US')} more characters.`);
  blocks.push(context(...notes.map(escapeMrkdwn)));
  return blocks;
}

function formatPlaceholders(names: readonly string[]): string {
  return names.length === 0 ? 'nothing else' : names.map((name) => `{{${name}}}`).join(', ');
}

/** The prompt chosen in the menu's block action, or null when it is not one of ours. */
export function parsePromptSelection(value: unknown): PromptName | null {
  return isPromptName(value) ? value : null;
}

export type PromptOverride = { name: PromptName; override: string | null };

/** The override to save for the selected prompt; `override: null` removes it (reset, or left empty). */
export function parsePromptsSubmission(view: SubmittedView): ParseResult<PromptOverride> {
  const form = readForm(view);
  const name = parseMetadata(view.private_metadata, metadataSchema)?.name ?? parsePromptSelection(form.option(B.name, actions.select));
  if (name === null) {
    form.fail(B.name, 'Pick a prompt.');
    return form.finish(() => ({ name: 'draft' as const, override: null }));
  }
  const isReset = form.options(promptResetBlockId(name)).includes(RESET);
  const text = form.text(promptOverrideBlockId(name)).trim();
  if (!isReset && text !== '') {
    if (text.length > PROMPT_OVERRIDE_MAX_LENGTH) {
      form.fail(promptOverrideBlockId(name), `Keep the prompt to ${PROMPT_OVERRIDE_MAX_LENGTH.toLocaleString('en-US')} characters.`);
    }
    const problems = findPromptTemplateProblems(name, text);
    if (problems.length > 0) form.fail(promptOverrideBlockId(name), problems.join(' '));
  }
  return form.finish(() => ({ name, override: isReset || text === '' ? null : text }));
}
