import { PLAN_LIST_FILTERS, type PlanListFilter } from '../../../db/plans.ts';
import { CALENDAR_PERIODS, isCalendarPeriod, type CalendarPeriod } from '../../../domain/calendar.ts';

export type ContentCommand =
  | { kind: 'new'; topic: string | undefined }
  | { kind: 'list'; filter: PlanListFilter | null; page: number }
  | { kind: 'status'; number: number }
  | { kind: 'calendar'; period: CalendarPeriod }
  | { kind: 'usage'; command: 'list' | 'status' | 'calendar'; problem: string }
  | { kind: 'help'; unknown?: string };

const MAX_PAGE = 1000;

/** Reads the text after /content. */
export function parseContentCommand(text: string): ContentCommand {
  const trimmed = text.trim();
  if (trimmed === '') return { kind: 'new', topic: undefined };
  const [word = '', ...rest] = trimmed.split(/\s+/);
  const argument = rest.join(' ').trim();
  switch (word.toLowerCase()) {
    case 'new':
      return { kind: 'new', topic: argument || undefined };
    case 'list':
      return parseList(rest);
    case 'status': {
      const number = parsePositive(argument.replace(/^#/, ''));
      if (number === null) {
        const problem = argument === '' ? 'Say which plan, by its number.' : `“${argument.slice(0, 40)}” is not a plan number.`;
        return { kind: 'usage', command: 'status', problem };
      }
      return { kind: 'status', number };
    }
    case 'calendar':
      return parseCalendar(rest);
    case 'help':
      return { kind: 'help' };
    default:
      return { kind: 'help', unknown: word };
  }
}

function parseList(words: readonly string[]): ContentCommand {
  let filter: PlanListFilter | null = null;
  let page: number | null = null;
  for (const word of words) {
    const lower = word.toLowerCase();
    const asFilter = PLAN_LIST_FILTERS.find((candidate) => candidate === lower);
    if (asFilter && filter === null) {
      filter = asFilter;
      continue;
    }
    const asPage = parsePositive(word);
    if (asPage !== null && page === null && asPage <= MAX_PAGE) {
      page = asPage;
      continue;
    }
    const problem = asFilter
      ? 'Give one filter at most.'
      : /^\d+$/.test(word)
        ? `Give one page number, from 1 to ${MAX_PAGE}.`
        : `I don't know the filter “${word.slice(0, 40)}”.`;
    return { kind: 'usage', command: 'list', problem };
  }
  return { kind: 'list', filter, page: page ?? 1 };
}

function parseCalendar(words: readonly string[]): ContentCommand {
  if (words.length === 0) return { kind: 'calendar', period: 'week' };
  const [word = ''] = words;
  const lower = word.toLowerCase();
  if (words.length === 1 && isCalendarPeriod(lower)) return { kind: 'calendar', period: lower };
  const problem =
    words.length > 1 ? `Give one of ${CALENDAR_PERIODS.join(' or ')}, nothing else.` : `I don't know the period “${word.slice(0, 40)}”.`;
  return { kind: 'usage', command: 'calendar', problem };
}

function parsePositive(value: string): number | null {
  if (!/^\d{1,9}$/.test(value)) return null;
  const number = Number.parseInt(value, 10);
  return number > 0 ? number : null;
}
