import type { ActionsBlock, Button, KnownBlock, SectionBlock } from '@slack/types';
import { z } from 'zod';
import { clampCalendarPage, isCalendarPeriod, type CalendarPage, type CalendarRange, type CalendarPeriod } from '../../domain/calendar.ts';
import { groupByDay } from '../../domain/calendar.ts';
import { STATUS_LABELS, type PlanStatus } from '../../domain/plan-states.ts';
import { ACTIONS, CALENDAR_ACTIONS, COMMAND, decisionButtonValue } from '../ids.ts';
import type { EphemeralReply } from './plan-list.ts';
import { button, context, escapeMrkdwn, plain, pluralize, section, slackLink, truncate } from './format.ts';

/** One destination of one plan on the calendar, with what the reader needs to see and act on it. */
export type CalendarItem = {
  plan: { id: string; number: number; revision: number; title: string; status: PlanStatus; permalink: string | null };
  kind: 'scheduled' | 'published';
  /** Empty when the plan has one time for all its destinations. */
  destinationName: string;
  at: Date;
  url: string | null;
  /** Whether the reader may reschedule this plan (only shown on scheduled items). */
  canReschedule: boolean;
};

export type CalendarModel = {
  range: CalendarRange;
  items: readonly CalendarItem[];
  /** True when the page had more entries than were read; the reader is told the page is incomplete. */
  isCapped?: boolean;
};

/** The most blocks a `/content calendar` answer has (Slack allows 50 per message). */
export const CALENDAR_MESSAGE_MAX_BLOCKS = 50;
/** The most blocks the Home's Calendar section has. */
export const CALENDAR_HOME_MAX_BLOCKS = 14;

const MAX_LINES_PER_PLAN = 12;
const TITLE_MAX = 80;

/**
 * The calendar as blocks, at most `maxBlocks`: a header, per day a heading and a section per plan (its
 * title linked to its thread, its state, a line per destination, Reschedule where allowed), then what
 * did not fit, and Previous / Next buttons whose values are `<period>:<offset>` under `pageActionId`.
 */
export function buildCalendarBlocks(model: CalendarModel, { maxBlocks, pageActionId }: { maxBlocks: number; pageActionId: string }): KnownBlock[] {
  const { range } = model;
  const blocks: KnownBlock[] = [{ type: 'header', text: plain(`Calendar: ${rangeLabel(range)}`) }];
  const budget = maxBlocks - 3; // the header, the closing note and the pager
  const days = groupByDay(model.items);
  let shown = 0;
  let hidden = 0;
  for (const { day, items } of days) {
    const plans = groupByPlan(items);
    const room = budget - (blocks.length - 1);
    if (room < 2) {
      hidden += items.length;
      continue;
    }
    blocks.push(section(`*${dayLabel(day)}*`));
    plans.forEach((planItems, index) => {
      if (index >= room - 1) {
        hidden += planItems.length;
        return;
      }
      blocks.push(planSection(planItems));
      shown += planItems.length;
    });
  }
  const notes = [`Days and times in UTC.`];
  if (shown === 0 && hidden === 0) notes.unshift(`Nothing scheduled or published ${range.period === 'week' ? 'this week' : 'this month'}.`);
  if (hidden > 0) notes.unshift(`${pluralize(hidden, 'more item', 'more items')} not shown: \`${COMMAND} list scheduled\` lists every scheduled plan.`);
  if (model.isCapped) notes.unshift('This page has more items than the calendar reads at once; some are left out.');
  blocks.push(context(notes.join(' ')));
  blocks.push(pager(range, pageActionId));
  return blocks;
}

/** The ephemeral answer to `/content calendar`. */
export function buildCalendarReply(model: CalendarModel): EphemeralReply {
  const count = model.items.length;
  return {
    response_type: 'ephemeral',
    text: `Calendar ${rangeLabel(model.range)}: ${pluralize(count, 'item')}`,
    blocks: buildCalendarBlocks(model, { maxBlocks: CALENDAR_MESSAGE_MAX_BLOCKS, pageActionId: CALENDAR_ACTIONS.page }),
  };
}

function groupByPlan(items: readonly CalendarItem[]): CalendarItem[][] {
  const byPlan = new Map<string, CalendarItem[]>();
  for (const item of items) byPlan.set(item.plan.id, [...(byPlan.get(item.plan.id) ?? []), item]);
  return [...byPlan.values()];
}

function planSection(items: readonly CalendarItem[]): SectionBlock {
  const [first] = items;
  const plan = first!.plan;
  const title = truncate(plan.title.replace(/\s+/g, ' '), TITLE_MAX);
  const heading = `*#${plan.number}* ${plan.permalink ? slackLink(plan.permalink, title) : escapeMrkdwn(title)} · ${STATUS_LABELS[plan.status]}`;
  const lines = items.slice(0, MAX_LINES_PER_PLAN).map(entryLine);
  if (items.length > MAX_LINES_PER_PLAN) lines.push(`… and ${items.length - MAX_LINES_PER_PLAN} more`);
  const block = section([heading, ...lines].join('\n'));
  const isReschedulable = items.some((item) => item.kind === 'scheduled' && item.canReschedule);
  if (!isReschedulable) return block;
  const reschedule: Button = button('Reschedule…', ACTIONS.schedule, decisionButtonValue(plan));
  return { ...block, accessory: reschedule };
}

function entryLine(item: CalendarItem): string {
  const destination = item.destinationName ? escapeMrkdwn(truncate(item.destinationName, 60)) : 'All destinations';
  const time = item.at.toISOString().slice(11, 16);
  if (item.kind === 'scheduled') return `• ${time} · ${destination} · scheduled`;
  return `• ${time} · ${destination} · published${item.url ? ` · ${slackLink(item.url, 'view')}` : ''}`;
}

const DAY_FORMAT = new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', weekday: 'long', day: 'numeric', month: 'long' });
const SHORT_FORMAT = new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', day: 'numeric', month: 'short', year: 'numeric' });
const MONTH_FORMAT = new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', month: 'long', year: 'numeric' });

function dayLabel(day: string): string {
  return DAY_FORMAT.format(new Date(`${day}T00:00:00Z`));
}

export function rangeLabel(range: CalendarRange): string {
  if (range.period === 'month') return MONTH_FORMAT.format(range.from);
  const last = new Date(range.to.getTime() - 1);
  return `week of ${SHORT_FORMAT.format(range.from)} to ${SHORT_FORMAT.format(last)}`;
}

const PERIOD_WORDS: Record<CalendarPeriod, string> = { week: 'week', month: 'month' };

function pager(range: CalendarRange, actionId: string): ActionsBlock {
  const word = PERIOD_WORDS[range.period];
  const value = (offset: number) => `${range.period}:${offset}`;
  // Distinct action ids within one actions block: the direction rides along in the id's suffix.
  const elements: Button[] = [button(`← Previous ${word}`, `${actionId}_previous`, value(range.offset - 1))];
  if (range.offset !== 0) elements.push(button(`This ${word}`, `${actionId}_current`, value(0)));
  elements.push(button(`Next ${word} →`, `${actionId}_next`, value(range.offset + 1)));
  return { type: 'actions', elements };
}

/** Matches the pager's action ids under `actionId`, for one listener. */
export function calendarPagerPattern(actionId: string): RegExp {
  return new RegExp(`^${actionId}_(previous|current|next)$`);
}

const pageValueSchema = z
  .string()
  .regex(/^(week|month):-?\d{1,4}$/)
  .transform((value): CalendarPage => {
    const [period = 'week', offset = '0'] = value.split(':');
    return clampCalendarPage({ period: isCalendarPeriod(period) ? period : 'week', offset: Number(offset) });
  });

/** A pager button's value (`week:-1`), or null when it is not one. */
export function parseCalendarPageValue(value: unknown): CalendarPage | null {
  const result = pageValueSchema.safeParse(value);
  return result.success ? result.data : null;
}
