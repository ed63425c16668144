import { describe, expect, test } from 'vitest';
import {
  buildCalendarBlocks,
  buildCalendarReply,
  CALENDAR_HOME_MAX_BLOCKS,
  parseCalendarPageValue,
  type CalendarItem,
} from '../../../src/bot/blocks/calendar.ts';
import { ACTIONS, CALENDAR_ACTIONS } from '../../../src/bot/ids.ts';
import { calendarRange } from '../../../src/domain/calendar.ts';
import { findBlockKitViolations } from '../../support/block-kit-limits.ts';

const now = new Date('2026-12-01T12:00:00Z');
const week = calendarRange({ period: 'week', offset: 0 }, now);

function item(index: number, overrides: Partial<CalendarItem> = {}): CalendarItem {
  return {
    plan: { id: `plan-${index}`, number: index, revision: 1, title: `Plan ${index}`, status: 'scheduled', permalink: `https://fake.slack.test/p${index}` },
    kind: 'scheduled',
    destinationName: 'Blog',
    at: new Date(week.from.getTime() + (index % 7) * 86_400_000 + 9 * 3_600_000),
    url: null,
    canReschedule: true,
    ...overrides,
  };
}

describe('calendar blocks', () => {
  test('an empty week says so and still offers paging', () => {
    const reply = buildCalendarReply({ range: week, items: [] });
    const json = JSON.stringify(reply.blocks);
    expect(json).toContain('Nothing scheduled or published this week.');
    expect(json).toContain(`${CALENDAR_ACTIONS.page}_previous`);
    expect(json).toContain(`${CALENDAR_ACTIONS.page}_next`);
    expect(json).not.toContain(`${CALENDAR_ACTIONS.page}_current`);
  });

  test('hostile titles and destination names are escaped; non-http links are dropped', () => {
    const reply = buildCalendarReply({
      range: week,
      items: [item(1, { plan: { ...item(1).plan, title: '<!channel> & *bold*', permalink: 'javascript:alert(1)' }, destinationName: '<@U1>', kind: 'published', url: 'ftp://x' })],
    });
    const json = JSON.stringify(reply.blocks);
    expect(json).toContain('&lt;!channel&gt; &amp;');
    expect(json).toContain('&lt;@U1&gt;');
    expect(json).not.toContain('javascript:');
    expect(json).not.toContain('ftp://');
  });

  test('Reschedule only on scheduled plans the reader may decide on', () => {
    const reply = buildCalendarReply({
      range: week,
      items: [item(1), item(2, { canReschedule: false }), item(3, { kind: 'published', url: 'https://blog.example/3' })],
    });
    const values = [...JSON.stringify(reply.blocks).matchAll(new RegExp(`"action_id":"${ACTIONS.schedule}","value":"([^"]+)"`, 'g'))].map((match) => match[1]);
    expect(values).toEqual(['plan-1:1']);
  });

  test('100 items with long texts stay within a message and the Home section, counting what is left out', () => {
    const long = 'word '.repeat(400);
    const items = Array.from({ length: 100 }, (_, index) => item(index, { plan: { ...item(index).plan, title: long, permalink: `https://fake.slack.test/${'p'.repeat(900)}` }, destinationName: long }));
    const month = calendarRange({ period: 'month', offset: 0 }, now);
    for (const range of [week, month]) {
      const reply = buildCalendarReply({ range, items });
      expect(reply.blocks.length).toBeLessThanOrEqual(50);
      expect(findBlockKitViolations(reply.blocks, 'message')).toEqual([]);
      const shownPlans = JSON.stringify(reply.blocks).match(/\*#\d+\*/g)?.length ?? 0;
      expect(JSON.stringify(reply.blocks)).toContain(`${100 - shownPlans} more items not shown`);
      const home = buildCalendarBlocks({ range, items }, { maxBlocks: CALENDAR_HOME_MAX_BLOCKS, pageActionId: CALENDAR_ACTIONS.homePage });
      expect(home.length).toBeLessThanOrEqual(CALENDAR_HOME_MAX_BLOCKS);
      expect(findBlockKitViolations(home, 'home')).toEqual([]);
    }
  });

  test('pager values read back, and anything else is refused', () => {
    expect(parseCalendarPageValue('week:-3')).toEqual({ period: 'week', offset: -3 });
    expect(parseCalendarPageValue('month:9999')).toEqual({ period: 'month', offset: 120 });
    for (const bad of ['year:1', 'week:', 'week:1:2', 7, undefined, 'week:12345']) expect(parseCalendarPageValue(bad)).toBeNull();
  });
});
