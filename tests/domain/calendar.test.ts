import { describe, expect, test } from 'vitest';
import { calendarRange, clampCalendarPage, groupByDay, MAX_CALENDAR_OFFSET } from '../../src/domain/calendar.ts';

describe('calendarRange', () => {
  test('a week runs Monday to Sunday in UTC, whatever the day and hour', () => {
    for (const now of ['2026-12-01T00:00:00Z', '2026-12-03T23:59:59Z', '2026-12-06T12:00:00Z', '2026-11-30T00:00:00Z']) {
      const range = calendarRange({ period: 'week', offset: 0 }, new Date(now));
      expect(range.from.toISOString()).toBe('2026-11-30T00:00:00.000Z');
      expect(range.to.toISOString()).toBe('2026-12-07T00:00:00.000Z');
      expect(range.days).toEqual(['2026-11-30', '2026-12-01', '2026-12-02', '2026-12-03', '2026-12-04', '2026-12-05', '2026-12-06']);
    }
  });

  test('offsets move by whole weeks and months, across a year end', () => {
    const now = new Date('2026-12-15T08:00:00Z');
    expect(calendarRange({ period: 'week', offset: 3 }, now).from.toISOString()).toBe('2027-01-04T00:00:00.000Z');
    expect(calendarRange({ period: 'week', offset: -1 }, now).from.toISOString()).toBe('2026-12-07T00:00:00.000Z');
    const next = calendarRange({ period: 'month', offset: 1 }, now);
    expect([next.from.toISOString(), next.to.toISOString(), next.days.length]).toEqual(['2027-01-01T00:00:00.000Z', '2027-02-01T00:00:00.000Z', 31]);
    expect(calendarRange({ period: 'month', offset: 2 }, now).days).toHaveLength(28);
  });

  test('offsets are kept within ten years', () => {
    expect(clampCalendarPage({ period: 'week', offset: 99_999 })).toEqual({ period: 'week', offset: MAX_CALENDAR_OFFSET.week });
    expect(clampCalendarPage({ period: 'month', offset: -99_999 })).toEqual({ period: 'month', offset: -MAX_CALENDAR_OFFSET.month });
    expect(clampCalendarPage({ period: 'week', offset: Number.NaN })).toEqual({ period: 'week', offset: 0 });
  });
});

describe('groupByDay', () => {
  test('groups by UTC day, days in order and items by time, leaving out empty days', () => {
    const items = [
      { id: 'c', at: new Date('2026-12-03T23:30:00Z') },
      { id: 'a', at: new Date('2026-12-01T09:00:00Z') },
      { id: 'd', at: new Date('2026-12-04T00:10:00Z') },
      { id: 'b', at: new Date('2026-12-03T08:00:00Z') },
    ];
    expect(groupByDay(items).map(({ day, items: dayItems }) => [day, dayItems.map((item) => item.id)])).toEqual([
      ['2026-12-01', ['a']],
      ['2026-12-03', ['b', 'c']],
      ['2026-12-04', ['d']],
    ]);
  });
});
