import type { KnownBlock, View } from '@slack/types';
import { z } from 'zod';
import { DECISION_MODALS } from '../ids.ts';
import { escapeMrkdwn, truncate } from '../blocks/format.ts';
import { stripControlCharacters } from './plan-modal.ts';

export type DecisionMetadata = { planId: string; channelId: string | null };

const metadataSchema = z.object({ planId: z.string(), channelId: z.string().nullable() });

export function parseDecisionMetadata(raw: string | undefined): DecisionMetadata | null {
  try {
    const parsed = metadataSchema.safeParse(JSON.parse(raw ?? ''));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

function plain(text: string) {
  return { type: 'plain_text' as const, text, emoji: true };
}

function textModal({
  callbackId,
  title,
  submit,
  intro,
  block,
  label,
  placeholder,
  metadata,
}: {
  callbackId: string;
  title: string;
  submit: string;
  intro: string;
  block: string;
  label: string;
  placeholder: string;
  metadata: DecisionMetadata;
}): View {
  return {
    type: 'modal',
    callback_id: callbackId,
    private_metadata: JSON.stringify(metadata),
    title: plain(title),
    submit: plain(submit),
    close: plain('Cancel'),
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: intro } },
      {
        type: 'input',
        block_id: block,
        label: plain(label),
        element: { type: 'plain_text_input', action_id: 'value', multiline: true, max_length: 2000, placeholder: plain(placeholder) },
      },
    ],
  };
}

export function buildRequestChangesModal(plan: { number: number; topic: string }, metadata: DecisionMetadata): View {
  const { callbackId, block } = DECISION_MODALS.requestChanges;
  return textModal({
    callbackId,
    title: 'Request changes',
    submit: 'Send to the writer',
    intro: `*#${plan.number} ${escapeMrkdwn(truncate(plan.topic, 150))}*\nThe draft is revised with your feedback, re-optimised, and its variants are written again.`,
    block,
    label: 'What should change?',
    placeholder: 'Shorter intro, and add a checklist at the end.',
    metadata,
  });
}

export function buildRejectModal(plan: { number: number; topic: string }, metadata: DecisionMetadata): View {
  const { callbackId, block } = DECISION_MODALS.reject;
  return textModal({
    callbackId,
    title: 'Reject plan',
    submit: 'Reject',
    intro: `*#${plan.number} ${escapeMrkdwn(truncate(plan.topic, 150))}*\nRejecting ends this plan. Its author sees your reason in the thread.`,
    block,
    label: 'Why is it rejected?',
    placeholder: 'We covered this topic last month.',
    metadata,
  });
}

/** Reads a required text answer; an empty one is answered inline. */
export function parseRequiredText(view: { state?: { values?: unknown } }, block: string, what: string): { ok: true; text: string } | { ok: false; errors: Record<string, string> } {
  const values = (view.state?.values ?? {}) as Record<string, Record<string, { value?: string | null } | undefined> | undefined>;
  const text = stripControlCharacters(values[block]?.['value']?.value ?? '').trim();
  if (text.length === 0) return { ok: false, errors: { [block]: `Write the ${what}: it is shown to the plan's author.` } };
  return { ok: true, text };
}

export type DestinationOption = { key: string; label: string };

export function buildScheduleModal({
  plan,
  metadata,
  destinations,
  selected,
  initialTime,
  isApproveAndSchedule,
}: {
  plan: { number: number; topic: string };
  metadata: DecisionMetadata;
  destinations: readonly DestinationOption[];
  selected: readonly string[];
  initialTime: Date;
  isApproveAndSchedule: boolean;
}): View {
  const { callbackId, timeBlock, destinationsBlock, action } = DECISION_MODALS.schedule;
  const option = (destination: DestinationOption) => ({ text: { type: 'mrkdwn' as const, text: truncate(destination.label, 75) }, value: destination.key });
  const initial = destinations.filter((destination) => selected.includes(destination.key));
  const blocks: KnownBlock[] = [
    {
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: `*#${plan.number} ${escapeMrkdwn(truncate(plan.topic, 150))}*${isApproveAndSchedule ? '\nScheduling also records your approval.' : ''}`,
      },
    },
    {
      type: 'input',
      block_id: timeBlock,
      label: plain('Publish at'),
      hint: plain('Shown in your time zone.'),
      element: { type: 'datetimepicker', action_id: action, initial_date_time: Math.floor(initialTime.getTime() / 1000) },
    },
    {
      type: 'input',
      block_id: destinationsBlock,
      label: plain('Publish to'),
      element: {
        type: 'checkboxes',
        action_id: action,
        options: destinations.slice(0, 10).map(option),
        ...(initial.length > 0 ? { initial_options: initial.slice(0, 10).map(option) } : {}),
      },
    },
  ];
  return {
    type: 'modal',
    callback_id: callbackId,
    private_metadata: JSON.stringify(metadata),
    title: plain(isApproveAndSchedule ? 'Approve & schedule' : 'Schedule'),
    submit: plain(isApproveAndSchedule ? 'Approve & schedule' : 'Schedule'),
    close: plain('Cancel'),
    blocks,
  };
}

export type ScheduleSubmission = { ok: true; at: Date; destinations: string[] } | { ok: false; errors: Record<string, string> };

/** The time must be in the future and at least one destination chosen. */
export function parseScheduleSubmission(view: { state?: { values?: unknown } }, now: Date): ScheduleSubmission {
  const { timeBlock, destinationsBlock, action } = DECISION_MODALS.schedule;
  const values = (view.state?.values ?? {}) as Record<
    string,
    Record<string, { selected_date_time?: number | null; selected_options?: { value: string }[] } | undefined> | undefined
  >;
  const errors: Record<string, string> = {};
  const seconds = values[timeBlock]?.[action]?.selected_date_time;
  const at = typeof seconds === 'number' ? new Date(seconds * 1000) : null;
  if (!at) errors[timeBlock] = 'Pick when to publish.';
  else if (at.getTime() <= now.getTime()) errors[timeBlock] = 'Pick a time in the future.';
  const destinations = (values[destinationsBlock]?.[action]?.selected_options ?? []).map((option) => option.value);
  if (destinations.length === 0) errors[destinationsBlock] = 'Pick at least one place to publish to.';
  if (Object.keys(errors).length > 0 || !at) return { ok: false, errors };
  return { ok: true, at, destinations };
}
