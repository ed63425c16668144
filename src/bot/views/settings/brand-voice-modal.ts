import type { KnownBlock, ModalView } from '@slack/types';
import type { BrandVoice } from '../../../domain/settings.ts';
import { context } from '../../blocks/format.ts';
import { SETTINGS_INPUT_ACTION as A, SETTINGS_MODALS } from '../../ids.ts';
import { inputBlock, linesSchema, optionalTextSchema, readForm, settingsModal, type ParseResult, type SubmittedView } from './form.ts';

const { callbackId, blocks: B } = SETTINGS_MODALS.brandVoice;

export const BRAND_VOICE_LIMITS = { description: 1000, rules: 10, ruleLength: 200, examples: 3, example: 1500 } as const;

/** "Brand voice": it reaches every prompt through `{{voice}}`. */
export function buildBrandVoiceModal(current: BrandVoice | null): ModalView {
  const multiline = (maxLength: number, initial: string, placeholder: string) => ({
    type: 'plain_text_input' as const,
    action_id: A,
    multiline: true,
    max_length: maxLength,
    placeholder: { type: 'plain_text' as const, text: placeholder },
    ...(initial.trim() === '' ? {} : { initial_value: initial.slice(0, maxLength) }),
  });
  // A rule list longer than Slack accepts in one input is cut at a line; the parser then counts what is left.
  const rules = (lines: readonly string[]) => lines.slice(0, BRAND_VOICE_LIMITS.rules * 2).join('\n');
  const blocks: KnownBlock[] = [
    inputBlock(
      B.description,
      'How we sound',
      multiline(BRAND_VOICE_LIMITS.description, current?.description ?? '', 'Plain-spoken and practical. We write for busy operations leads.'),
      { optional: true, hint: `Up to ${BRAND_VOICE_LIMITS.description.toLocaleString('en-US')} characters.` },
    ),
    inputBlock(B.dos, 'Do', multiline(3000, rules(current?.dos ?? []), 'Use short sentences\nGive one concrete example per section'), {
      optional: true,
      hint: `One rule per line, up to ${BRAND_VOICE_LIMITS.rules}.`,
    }),
    inputBlock(B.donts, "Don't", multiline(3000, rules(current?.donts ?? []), 'Say "synergy"\nPromise results we cannot measure'), {
      optional: true,
      hint: `One rule per line, up to ${BRAND_VOICE_LIMITS.rules}.`,
    }),
    ...B.examples.map((blockId, index) =>
      inputBlock(blockId, `Example passage ${index + 1}`, multiline(BRAND_VOICE_LIMITS.example, current?.examples[index] ?? '', 'A paragraph that sounds like us.'), {
        optional: true,
        hint: index === 0 ? `Up to ${BRAND_VOICE_LIMITS.example.toLocaleString('en-US')} characters each. The writer imitates the style, not the words.` : undefined,
      }),
    ),
    context('The brand voice reaches every prompt of plans created from now on.'),
  ];
  return settingsModal({ callbackId, title: 'Brand voice', blocks });
}

/** The brand voice, or null when every field is empty (plans then use a neutral voice). */
export function parseBrandVoiceSubmission(view: SubmittedView): ParseResult<BrandVoice | null> {
  const form = readForm(view);
  const description = form.check(B.description, optionalTextSchema(BRAND_VOICE_LIMITS.description, 'the description'), form.text(B.description));
  const rules = linesSchema({ maxLines: BRAND_VOICE_LIMITS.rules, maxLength: BRAND_VOICE_LIMITS.ruleLength });
  const dos = form.check(B.dos, rules, form.text(B.dos));
  const donts = form.check(B.donts, rules, form.text(B.donts));
  const examples = B.examples.map((blockId, index) =>
    form.check(blockId, optionalTextSchema(BRAND_VOICE_LIMITS.example, `example ${index + 1}`), form.text(blockId)),
  );
  return form.finish(() => {
    const voice: BrandVoice = {
      description: description ?? '',
      dos: dos ?? [],
      donts: donts ?? [],
      examples: examples.filter((example): example is string => typeof example === 'string'),
    };
    const isEmpty = voice.description === '' && voice.dos.length === 0 && voice.donts.length === 0 && voice.examples.length === 0;
    return isEmpty ? null : voice;
  });
}
