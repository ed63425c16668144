import type { ModalView } from '@slack/types';
import { z } from 'zod';
import type { WorkspaceSettings } from '../../../db/settings.ts';
import { CHANNEL_LABELS, CHANNELS, type ChannelId } from '../../../domain/channels.ts';
import { context } from '../../blocks/format.ts';
import { SETTINGS_INPUT_ACTION as A, SETTINGS_MODALS } from '../../ids.ts';
import { TONES } from '../plan-modal.ts';
import { inputBlock, option, readForm, settingsModal, wholeNumberSchema, type ParseResult, type SubmittedView } from './form.ts';

const { callbackId, blocks: B } = SETTINGS_MODALS.defaults;

export const TARGET_WORDS_RANGE = { min: 300, max: 5000 } as const;
const NO_TONE = 'none';

export type DefaultsSettings = {
  defaultChannelId: string | null;
  defaultChannels: ChannelId[];
  defaultTone: string | null;
  targetWords: number;
};

/** "Defaults": where plans are posted, which channels a new plan starts with, its tone and length. */
export function buildDefaultsModal(current: Pick<WorkspaceSettings, 'defaultChannelId' | 'defaultChannels' | 'defaultTone' | 'targetWords'>): ModalView {
  const channelOption = (channel: ChannelId) => option(CHANNEL_LABELS[channel], channel);
  const initialChannels = CHANNELS.filter((channel) => current.defaultChannels.includes(channel));
  const noTone = option('None: the brand voice decides', NO_TONE);
  const tones = [noTone, ...TONES.map((tone) => option(tone, tone))];
  const initialTone = tones.find((tone) => tone.value === current.defaultTone) ?? noTone;
  return settingsModal({
    callbackId,
    title: 'Defaults',
    blocks: [
      inputBlock(
        B.channel,
        'Post plans in',
        {
          type: 'conversations_select',
          action_id: A,
          filter: { include: ['public', 'private'], exclude_bot_users: true },
          ...(current.defaultChannelId ? { initial_conversation: current.defaultChannelId } : {}),
        },
        { optional: true, hint: 'Suggested in the New plan form. Invite the app there with /invite @Content Broadcaster.' },
      ),
      inputBlock(B.channels, 'Target channels', {
        type: 'checkboxes',
        action_id: A,
        options: CHANNELS.map(channelOption),
        ...(initialChannels.length > 0 ? { initial_options: initialChannels.map(channelOption) } : {}),
      }),
      inputBlock(B.tone, 'Tone', { type: 'static_select', action_id: A, options: tones, initial_option: initialTone }),
      inputBlock(
        B.targetWords,
        'Target length in words',
        {
          type: 'number_input',
          action_id: A,
          is_decimal_allowed: false,
          min_value: String(TARGET_WORDS_RANGE.min),
          max_value: String(TARGET_WORDS_RANGE.max),
          initial_value: String(current.targetWords),
        },
        { hint: `From ${TARGET_WORDS_RANGE.min} to ${TARGET_WORDS_RANGE.max.toLocaleString('en-US')} words.` },
      ),
      context('People can still change each of these in the New plan form.'),
    ],
  });
}

const channelsSchema = z
  .array(z.string())
  .transform((values) => CHANNELS.filter((channel) => values.includes(channel)))
  .refine((channels) => channels.length > 0, 'Pick at least one channel.');

const toneSchema = z
  .string()
  .nullable()
  .transform((value) => (value === null || value === NO_TONE ? null : value))
  .refine((value) => value === null || (TONES as readonly string[]).includes(value), 'Pick a tone from the list.');

export function parseDefaultsSubmission(view: SubmittedView): ParseResult<DefaultsSettings> {
  const form = readForm(view);
  const conversation = form.conversation(B.channel);
  const defaultChannelId = form.check(B.channel, z.string().regex(/^[CG][A-Z0-9]{2,}$/, 'Pick a channel from the list.').nullable(), conversation);
  const defaultChannels = form.check(B.channels, channelsSchema, form.options(B.channels));
  const defaultTone = form.check(B.tone, toneSchema, form.option(B.tone));
  const targetWords = form.check(B.targetWords, wholeNumberSchema(TARGET_WORDS_RANGE.min, TARGET_WORDS_RANGE.max), form.text(B.targetWords));
  return form.finish(() => ({
    defaultChannelId: defaultChannelId ?? null,
    defaultChannels: defaultChannels ?? [],
    defaultTone: defaultTone ?? null,
    targetWords: targetWords ?? TARGET_WORDS_RANGE.min,
  }));
}
