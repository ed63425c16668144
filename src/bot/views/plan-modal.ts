import type { KnownBlock, View } from '@slack/types';
import { z } from 'zod';
import { CHANNEL_LABELS, CHANNELS, type ChannelId } from '../../domain/channels.ts';
import { PLAN_MODAL } from '../ids.ts';
import { findIpLiteralRefusal } from '../../publish/address-policy.ts';

const { blocks: B, inputAction: A } = PLAN_MODAL;

export const TONES = ['Professional', 'Friendly', 'Conversational', 'Authoritative', 'Bold', 'Playful'] as const;
const BRAND_DEFAULT_TONE = 'brand_default';

export type PlanModalOptions = {
  topic?: string;
  postChannelId?: string;
  defaultChannels?: readonly ChannelId[];
  originChannelId?: string;
  /** Reopens the form to edit this plan's brief, prefilled with it. */
  edit?: { planId: string; number: number; brief: Omit<PlanInput, 'topic' | 'postChannelId' | 'channels'> };
};

export type PlanModalMetadata = { originChannelId: string | null; planId?: string | null };

/** The "New content plan" modal opened by /content and the App Home; with `edit`, the "Edit plan" form. */
export function buildPlanModal({ topic, postChannelId, defaultChannels = ['blog'], originChannelId, edit }: PlanModalOptions): View {
  const metadata: PlanModalMetadata = { originChannelId: originChannelId ?? null, ...(edit ? { planId: edit.planId } : {}) };
  const prefill = edit?.brief;
  const initial = (value: string | null | undefined) => (value ? { initial_value: value } : {});
  const initialTone = prefill?.tone && (TONES as readonly string[]).includes(prefill.tone) ? prefill.tone : null;
  const skipOption = { text: plain('Skip research'), value: 'skip' };
  const channelOption = (channel: ChannelId) => ({ text: plain(CHANNEL_LABELS[channel]), value: channel });
  const initialChannels = CHANNELS.filter((channel) => defaultChannels.includes(channel));
  const blocks: KnownBlock[] = [
    {
      type: 'input',
      block_id: B.topic,
      label: plain('Topic'),
      element: {
        type: 'plain_text_input',
        action_id: A,
        max_length: 200,
        placeholder: plain('Hybrid work playbook for small teams'),
        ...(topic ? { initial_value: topic.slice(0, 200) } : {}),
      },
    },
    {
      type: 'input',
      block_id: B.keyphrase,
      label: plain('Focus keyphrase'),
      hint: plain('1–4 words people would search for'),
      element: { type: 'plain_text_input', action_id: A, max_length: 100, placeholder: plain('hybrid work'), ...initial(prefill?.keyphrase) },
    },
    {
      type: 'input',
      block_id: B.keywords,
      optional: true,
      label: plain('Secondary keywords'),
      hint: plain('Separate with commas; up to 10.'),
      element: { type: 'plain_text_input', action_id: A, placeholder: plain('remote work policy, async meetings'), ...initial(prefill?.keywords.join(', ')) },
    },
    {
      type: 'input',
      block_id: B.audience,
      optional: true,
      label: plain('Audience'),
      element: { type: 'plain_text_input', action_id: A, max_length: 300, placeholder: plain('Ops leads at 20–200 person companies'), ...initial(prefill?.audience) },
    },
    {
      type: 'input',
      block_id: B.tone,
      optional: true,
      label: plain('Tone'),
      element: {
        type: 'static_select',
        action_id: A,
        initial_option: initialTone ? { text: plain(initialTone), value: initialTone } : { text: plain('Brand default'), value: BRAND_DEFAULT_TONE },
        options: [
          { text: plain('Brand default'), value: BRAND_DEFAULT_TONE },
          ...TONES.map((tone) => ({ text: plain(tone), value: tone })),
        ],
      },
    },
    {
      type: 'input',
      block_id: B.channels,
      label: plain('Channels'),
      element: {
        type: 'checkboxes',
        action_id: A,
        options: CHANNELS.map(channelOption),
        ...(initialChannels.length > 0 ? { initial_options: initialChannels.map(channelOption) } : {}),
      },
    },
    {
      type: 'input',
      block_id: B.competitorUrls,
      optional: true,
      label: plain('Competitor URLs'),
      hint: plain('One per line, up to 5.'),
      element: { type: 'plain_text_input', action_id: A, multiline: true, placeholder: plain('https://…'), ...initial(prefill?.competitorUrls.join('\n')) },
    },
    {
      type: 'input',
      block_id: B.brief,
      optional: true,
      label: plain('Brief for the writer'),
      element: {
        type: 'plain_text_input',
        action_id: A,
        multiline: true,
        max_length: 2000,
        placeholder: plain('Practical. Include a checklist.'),
        ...initial(prefill?.brief),
      },
    },
    {
      type: 'input',
      block_id: B.skipResearch,
      optional: true,
      label: plain('Research'),
      element: {
        type: 'checkboxes',
        action_id: A,
        options: [skipOption],
        ...(prefill?.skipResearch ? { initial_options: [skipOption] } : {}),
      },
    },
    {
      type: 'input',
      block_id: B.postChannel,
      label: plain('Post the plan in'),
      element: {
        type: 'conversations_select',
        action_id: A,
        filter: { include: ['public', 'private'], exclude_bot_users: true },
        ...(postChannelId ? { initial_conversation: postChannelId } : { default_to_current_conversation: true }),
      },
    },
  ];
  return {
    type: 'modal',
    callback_id: edit ? PLAN_MODAL.editCallbackId : PLAN_MODAL.callbackId,
    private_metadata: JSON.stringify(metadata),
    title: plain(edit ? `Edit plan #${edit.number}`.slice(0, 24) : 'New content plan'),
    submit: plain(edit ? 'Save' : 'Create'),
    close: plain('Cancel'),
    blocks,
  };
}

export type PlanInput = {
  topic: string;
  keyphrase: string;
  keywords: string[];
  audience: string | null;
  tone: string | null;
  channels: ChannelId[];
  competitorUrls: string[];
  brief: string | null;
  skipResearch: boolean;
  postChannelId: string;
};

export type PlanSubmission =
  | { ok: true; input: PlanInput; metadata: PlanModalMetadata }
  | { ok: false; errors: Partial<Record<string, string>> };

type StateValues = Record<string, Record<string, StateValue | undefined> | undefined>;
type StateValue = {
  value?: string | null;
  selected_option?: { value: string } | null;
  selected_options?: { value: string }[];
  selected_conversation?: string | null;
};

const MAX_KEYWORDS = 10;
const MAX_COMPETITOR_URLS = 5;

/** Validates the modal's state; errors are keyed by block id for `response_action: errors`. */
export function parsePlanSubmission(view: { state?: { values?: unknown }; private_metadata?: string }): PlanSubmission {
  const values = (view.state?.values ?? {}) as StateValues;
  const read = (block: string) => values[block]?.[A];
  const text = (block: string) => stripControlCharacters(read(block)?.value ?? '').trim();
  const errors: Partial<Record<string, string>> = {};

  const topic = text(B.topic).replace(/\s+/g, ' ');
  if (topic.length < 3) errors[B.topic] = 'Give the topic at least 3 characters.';
  else if (topic.length > 200) errors[B.topic] = `Keep the topic to 200 characters: this has ${topic.length}.`;

  const keyphrase = text(B.keyphrase).replace(/\s+/g, ' ');
  const keyphraseWords = keyphrase === '' ? 0 : keyphrase.split(' ').length;
  if (keyphraseWords === 0) errors[B.keyphrase] = 'Enter the phrase people would search for, in 1–4 words.';
  else if (keyphraseWords > 4) errors[B.keyphrase] = `Use 1–4 words: this has ${keyphraseWords}.`;
  else if (keyphrase.length > 100) errors[B.keyphrase] = `Keep the keyphrase to 100 characters: this has ${keyphrase.length}.`;

  const keywords = unique(
    text(B.keywords)
      .split(/[,\n]/)
      .map((keyword) => keyword.trim().replace(/\s+/g, ' '))
      .filter(Boolean),
  );
  if (keywords.length > MAX_KEYWORDS) errors[B.keywords] = `Use at most ${MAX_KEYWORDS} keywords: this has ${keywords.length}.`;
  else if (keywords.some((keyword) => keyword.length > 100)) errors[B.keywords] = 'Keep each keyword to 100 characters.';

  const channels = (read(B.channels)?.selected_options ?? [])
    .map((option) => option.value)
    .filter((value): value is ChannelId => (CHANNELS as readonly string[]).includes(value));
  if (channels.length === 0) errors[B.channels] = 'Pick at least one channel.';

  const urlLines = unique(text(B.competitorUrls).split(/\s+/).filter(Boolean));
  const badUrl = urlLines.find((line) => !isHttpUrl(line));
  // Syntax only, no DNS in the ack path: the scraper fetches these pages, not this app.
  const privateUrl = urlLines.map((line) => ({ line, refusal: isHttpUrl(line) ? findIpLiteralRefusal(new URL(line)) : null })).find(({ refusal }) => refusal);
  if (badUrl) errors[B.competitorUrls] = `"${truncate(badUrl, 60)}" is not an http(s) URL.`;
  else if (privateUrl) errors[B.competitorUrls] = `"${truncate(privateUrl.line, 60)}" points to ${privateUrl.refusal}; use a public page.`;
  else if (urlLines.length > MAX_COMPETITOR_URLS) {
    errors[B.competitorUrls] = `Use at most ${MAX_COMPETITOR_URLS} URLs: this has ${urlLines.length}.`;
  }

  const postChannelId = read(B.postChannel)?.selected_conversation ?? '';
  if (!postChannelId) errors[B.postChannel] = 'Pick the channel to post the plan in.';

  if (Object.keys(errors).length > 0) return { ok: false, errors };

  const tone = read(B.tone)?.selected_option?.value;
  return {
    ok: true,
    metadata: parseMetadata(view.private_metadata),
    input: {
      topic,
      keyphrase,
      keywords,
      audience: text(B.audience) || null,
      tone: tone && tone !== BRAND_DEFAULT_TONE ? tone : null,
      channels: CHANNELS.filter((channel) => channels.includes(channel)),
      competitorUrls: urlLines,
      brief: text(B.brief) || null,
      skipResearch: (read(B.skipResearch)?.selected_options ?? []).some((option) => option.value === 'skip'),
      postChannelId,
    },
  };
}

const metadataSchema = z.object({ originChannelId: z.string().nullable().catch(null), planId: z.string().nullable().optional().catch(null) });

function parseMetadata(raw: string | undefined): PlanModalMetadata {
  try {
    return metadataSchema.parse(JSON.parse(raw ?? '{}'));
  } catch {
    return { originChannelId: null };
  }
}

/** Postgres text cannot hold NUL, and no control character belongs in these answers. */
export function stripControlCharacters(value: string): string {
  return value.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g, '');
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && (url.hostname.includes('.') || url.hostname.includes(':'));
  } catch {
    return false;
  }
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}

function truncate(value: string, max: number): string {
  return value.length <= max ? value : `${value.slice(0, max - 1)}…`;
}

function plain(text: string) {
  return { type: 'plain_text' as const, text, emoji: true };
}
