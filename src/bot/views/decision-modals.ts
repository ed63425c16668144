import type { KnownBlock, PlainTextOption, View } from '@slack/types';
import { z } from 'zod';
import { CHANNEL_LABELS, isVariantChannel, type ChannelId } from '../../domain/channels.ts';
import type { ChangeScope } from '../../domain/plan-states.ts';
import { DECISION_MODALS, UNKNOWN_REVISION } from '../ids.ts';
import { escapeMrkdwn, truncate } from '../blocks/format.ts';
import { stripControlCharacters } from './plan-modal.ts';
import { blogFirstProblems } from '../../domain/publish-schedule.ts';

/** What a decision modal remembers: the plan, where its message is, and the revision the modal was opened on. */
export type DecisionMetadata = { planId: string; channelId: string | null; revision: number };

// Modals opened before metadata carried a revision are out of date by definition.
const metadataSchema = z.object({ planId: z.string(), channelId: z.string().nullable(), revision: z.number().int().default(UNKNOWN_REVISION) });

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

/** The scopes a plan's changes can have: the whole plan, the blog post, or one of its channel variants. */
export function changeScopesOf(channels: readonly ChannelId[]): ChangeScope[] {
  return [{ kind: 'plan' }, { kind: 'blog' }, ...channels.filter(isVariantChannel).map((channel) => ({ kind: 'variant' as const, channel }))];
}

function scopeValue(scope: ChangeScope): string {
  return scope.kind === 'variant' ? `variant:${scope.channel}` : scope.kind;
}

function scopeOption(scope: ChangeScope): PlainTextOption {
  switch (scope.kind) {
    case 'plan':
      return { text: plain('The whole plan'), description: plain('A new outline and draft, re-optimised, and every variant'), value: scopeValue(scope) };
    case 'blog':
      return { text: plain('The blog post only'), description: plain('This draft revised (outline kept), re-optimised; variants follow'), value: scopeValue(scope) };
    case 'variant':
      return { text: plain(`The ${CHANNEL_LABELS[scope.channel]} variant only`), description: plain('Only this variant is written again'), value: scopeValue(scope) };
  }
}

export function buildRequestChangesModal(plan: { number: number; topic: string; channels: readonly ChannelId[] }, metadata: DecisionMetadata): View {
  const { callbackId, block, scopeBlock, action } = DECISION_MODALS.requestChanges;
  const options = changeScopesOf(plan.channels).map(scopeOption);
  return {
    type: 'modal',
    callback_id: callbackId,
    private_metadata: JSON.stringify(metadata),
    title: plain('Request changes'),
    submit: plain('Send to the writer'),
    close: plain('Cancel'),
    blocks: [
      {
        type: 'section',
        text: { type: 'mrkdwn', text: `*#${plan.number} ${escapeMrkdwn(truncate(plan.topic, 150))}*\nOnly what you choose is written again; everything else is kept.` },
      },
      {
        type: 'input',
        block_id: scopeBlock,
        label: plain('What should be redone?'),
        element: { type: 'radio_buttons', action_id: action, options, ...(options[0] ? { initial_option: options[0] } : {}) },
      },
      {
        type: 'input',
        block_id: block,
        label: plain('What should change?'),
        element: { type: 'plain_text_input', action_id: action, multiline: true, max_length: 2000, placeholder: plain('Shorter intro, and add a checklist at the end.') },
      },
    ],
  };
}

export type RequestChangesSubmission = { ok: true; feedback: string; scope: ChangeScope } | { ok: false; errors: Record<string, string> };

/** The feedback is required; the scope must be one the plan has (a channel it was made for), else the whole plan is asked for again. */
export function parseRequestChangesSubmission(view: { state?: { values?: unknown } }, channels: readonly ChannelId[]): RequestChangesSubmission {
  const { block, scopeBlock, action } = DECISION_MODALS.requestChanges;
  const values = (view.state?.values ?? {}) as Record<string, Record<string, { selected_option?: { value?: string } | null } | undefined> | undefined>;
  const chosen = values[scopeBlock]?.[action]?.selected_option?.value ?? 'plan';
  const scope = changeScopesOf(channels).find((candidate) => scopeValue(candidate) === chosen);
  const errors: Record<string, string> = {};
  if (!scope) errors[scopeBlock] = 'Pick the whole plan, the blog post, or one of this plan\'s channels.';
  const feedback = parseRequiredText(view, block, 'feedback');
  if (!feedback.ok) Object.assign(errors, feedback.errors);
  if (!scope || !feedback.ok) return { ok: false, errors };
  return { ok: true, feedback: feedback.text, scope };
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

/**
 * A destination the schedule modal offers: `label` (mrkdwn) for the checkbox, `name` (plain text) for
 * its own time's label; `isBlog` when its adapter makes the post the other destinations link to;
 * `description` a line under the checkbox, such as the estimated cost of an X thread.
 */
export type DestinationOption = { key: string; label: string; name: string; isBlog: boolean; description?: string };

export type TimeMode = 'all' | 'each';

/** The block of a destination's own time in the schedule modal. */
export function destinationTimeBlock(key: string): string {
  return `${DECISION_MODALS.schedule.timeBlock}:${key}`;
}

const MAX_OFFERED_DESTINATIONS = 10;

/** A label is plain text, where a channel mention would show as its raw id. */
function plainNameOf(destination: DestinationOption): string {
  return /^<#[A-Z0-9]+>$/.test(destination.name) ? "Announcement in the plan's channel" : truncate(destination.name, 150);
}

export function buildScheduleModal({
  plan,
  metadata,
  destinations,
  selected,
  initialTime,
  initialTimes = {},
  isApproveAndSchedule,
}: {
  plan: { number: number; topic: string };
  metadata: DecisionMetadata;
  destinations: readonly DestinationOption[];
  selected: readonly string[];
  initialTime: Date;
  /** Each destination's time when it was scheduled before, by key. */
  initialTimes?: Readonly<Record<string, Date>>;
  isApproveAndSchedule: boolean;
}): View {
  const { callbackId, timeBlock, destinationsBlock, timeModeBlock, action } = DECISION_MODALS.schedule;
  const offered = destinations.slice(0, MAX_OFFERED_DESTINATIONS);
  const option = (destination: DestinationOption) => ({
    text: { type: 'mrkdwn' as const, text: truncate(destination.label, 75) },
    value: destination.key,
    ...(destination.description ? { description: plain(truncate(destination.description, 75)) } : {}),
  });
  const initial = offered.filter((destination) => selected.includes(destination.key));
  const seconds = (at: Date) => Math.floor(at.getTime() / 1000);
  const hasOwnTimes = Object.values(initialTimes).some((at) => at.getTime() !== initialTime.getTime());
  const modes = [
    { text: plain('One time for all'), value: 'all' satisfies TimeMode },
    { text: plain('A time for each destination (below)'), value: 'each' satisfies TimeMode },
  ];
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
      element: { type: 'datetimepicker', action_id: action, initial_date_time: seconds(initialTime) },
    },
    {
      type: 'input',
      block_id: destinationsBlock,
      label: plain('Publish to'),
      element: {
        type: 'checkboxes',
        action_id: action,
        options: offered.map(option),
        ...(initial.length > 0 ? { initial_options: initial.map(option) } : {}),
      },
    },
    {
      type: 'input',
      block_id: timeModeBlock,
      label: plain('Times'),
      element: { type: 'radio_buttons', action_id: action, options: modes, initial_option: modes[hasOwnTimes ? 1 : 0]! },
    },
    { type: 'context', elements: [{ type: 'mrkdwn', text: 'With a time for each: blog posts go first, because the other destinations link to them.' }] },
    ...offered.map(
      (destination): KnownBlock => ({
        type: 'input',
        block_id: destinationTimeBlock(destination.key),
        optional: true,
        label: plain(plainNameOf(destination)),
        ...(destination.isBlog ? { hint: plain('Blog post: the others link to it.') } : {}),
        element: { type: 'datetimepicker', action_id: action, initial_date_time: seconds(initialTimes[destination.key] ?? initialTime) },
      }),
    ),
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

export type ScheduleSubmission =
  | { ok: true; destinations: { key: string; name: string; at: Date }[] }
  | { ok: false; errors: Record<string, string> };

type ScheduleValues = Record<
  string,
  | Record<string, { selected_date_time?: number | null; selected_options?: { value: string }[]; selected_option?: { value: string } | null } | undefined>
  | undefined
>;

/**
 * Every time must be in the future and at least one destination chosen. With a time for each, a
 * destination that links to the blog post may not go before it: that is an inline error under the
 * destination's time (it is not moved silently).
 */
export function parseScheduleSubmission(
  view: { state?: { values?: unknown } },
  now: Date,
  offered: readonly DestinationOption[],
  formatTime: (at: Date) => string,
): ScheduleSubmission {
  const { timeBlock, destinationsBlock, timeModeBlock, action } = DECISION_MODALS.schedule;
  const values = (view.state?.values ?? {}) as ScheduleValues;
  const timeIn = (block: string) => {
    const seconds = values[block]?.[action]?.selected_date_time;
    return typeof seconds === 'number' ? new Date(seconds * 1000) : null;
  };
  const errors: Record<string, string> = {};
  const keys = (values[destinationsBlock]?.[action]?.selected_options ?? []).map((option) => option.value);
  if (keys.length === 0) errors[destinationsBlock] = 'Pick at least one place to publish to.';
  const mode: TimeMode = values[timeModeBlock]?.[action]?.selected_option?.value === 'each' ? 'each' : 'all';
  const at = timeIn(timeBlock);
  const chosen = keys.flatMap((key) => {
    const destination = offered.find((candidate) => candidate.key === key);
    if (!destination) return [];
    const own = mode === 'each' ? timeIn(destinationTimeBlock(key)) : null;
    const time = own ?? at;
    return time ? [{ key, name: destination.name, isBlog: destination.isBlog, at: time, isOwnTime: own !== null }] : [];
  });
  // The main time matters when it is the time of at least one destination.
  const usesMainTime = mode === 'all' || chosen.length < keys.length || chosen.some((destination) => !destination.isOwnTime);
  if (usesMainTime && !at) errors[timeBlock] = 'Pick when to publish.';
  else if (usesMainTime && at && at.getTime() <= now.getTime()) errors[timeBlock] = 'Pick a time in the future.';
  if (mode === 'each') {
    for (const destination of chosen) {
      if (destination.isOwnTime && destination.at.getTime() <= now.getTime()) errors[destinationTimeBlock(destination.key)] = 'Pick a time in the future.';
    }
    for (const [key, problem] of Object.entries(blogFirstProblems(chosen, formatTime))) errors[destinationTimeBlock(key)] ??= problem;
  }
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return { ok: true, destinations: chosen.map(({ key, name, at: time }) => ({ key, name, at: time })) };
}
