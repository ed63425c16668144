/**
 * The content calendar's pure rules: which days a page covers and how its items group by day. Days are
 * UTC days (Slack does not tell the app a person's time zone on a slash command), weeks start on Monday.
 */

export const CALENDAR_PERIODS = ['week', 'month'] as const;
export type CalendarPeriod = (typeof CALENDAR_PERIODS)[number];

/** How far paging may go either way: ten years of weeks or months. */
export const MAX_CALENDAR_OFFSET: Record<CalendarPeriod, number> = { week: 520, month: 120 };

/** One page of the calendar: `offset` periods from the current one (0 = this week or month). */
export type CalendarPage = { period: CalendarPeriod; offset: number };

/** The half-open range [from, to) a page covers, and its UTC days (`YYYY-MM-DD`). */
export type CalendarRange = CalendarPage & { from: Date; to: Date; days: string[] };

const DAY_MS = 24 * 60 * 60 * 1000;

export function isCalendarPeriod(value: string): value is CalendarPeriod {
  return (CALENDAR_PERIODS as readonly string[]).includes(value);
}

/** A page with its offset kept within MAX_CALENDAR_OFFSET. */
export function clampCalendarPage({ period, offset }: CalendarPage): CalendarPage {
  const max = MAX_CALENDAR_OFFSET[period];
  return { period, offset: Math.max(-max, Math.min(max, Math.trunc(offset) || 0)) };
}

export function calendarRange(page: CalendarPage, now: Date): CalendarRange {
  const { period, offset } = clampCalendarPage(page);
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  let from: number;
  let to: number;
  if (period === 'week') {
    const mondayOffset = (new Date(today).getUTCDay() + 6) % 7;
    from = today - mondayOffset * DAY_MS + offset * 7 * DAY_MS;
    to = from + 7 * DAY_MS;
  } else {
    from = Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + offset, 1);
    to = Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + offset + 1, 1);
  }
  const days: string[] = [];
  for (let day = from; day < to; day += DAY_MS) days.push(utcDay(new Date(day)));
  return { period, offset, from: new Date(from), to: new Date(to), days };
}

export function utcDay(at: Date): string {
  return at.toISOString().slice(0, 10);
}

/** Items grouped by their UTC day, days in order, items by time; days without items are left out. */
export function groupByDay<T extends { at: Date }>(items: readonly T[]): { day: string; items: T[] }[] {
  const byDay = new Map<string, T[]>();
  for (const item of [...items].sort((a, b) => a.at.getTime() - b.at.getTime())) {
    const day = utcDay(item.at);
    byDay.set(day, [...(byDay.get(day) ?? []), item]);
  }
  return [...byDay.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([day, dayItems]) => ({ day, items: dayItems }));
}
