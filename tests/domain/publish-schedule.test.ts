import { describe, expect, test } from 'vitest';
import { blogFirstProblems, earliestTime, settledPlanEvent, timeOf } from '../../src/domain/publish-schedule.ts';

const at = (hhmm: string) => new Date(`2026-12-07T${hhmm}:00Z`);
const hhmm = (time: Date) => time.toISOString().slice(11, 16);

describe('times per destination', () => {
  test('the earliest time is when an unapproved plan expires', () => {
    expect(earliestTime([{ at: at('10:00') }, { at: '2026-12-07T09:00:00.000Z' }, { at: at('08:30') }])).toEqual(at('08:30'));
    expect(earliestTime([])).toBeNull();
  });

  test('blogs go first: a destination before the latest blog is refused; any kind that is not a blog is held to it', () => {
    const problems = blogFirstProblems(
      [
        { key: 'blog', name: 'Company blog', isBlog: true, at: at('09:00') },
        { key: 'ghost', name: 'Ghost', isBlog: true, at: at('09:30') },
        { key: 'linkedin', name: 'LinkedIn', isBlog: false, at: at('09:15') },
        { key: 'x', name: 'X', isBlog: false, at: at('09:30') },
      ],
      hhmm,
    );
    expect(problems).toEqual({ linkedin: 'Publish this at or after Ghost (09:30): it links to the blog post, so the post goes first.' });
    expect(blogFirstProblems([{ key: 'x', name: 'X', isBlog: false, at: at('07:00') }], hhmm)).toEqual({});
  });

  test("a destination's own time, or the plan's for plans scheduled before times per destination", () => {
    const times = [{ key: 'a', name: 'A', at: at('10:00').toISOString() }];
    expect(timeOf(times, 'a', at('09:00'))).toEqual(at('10:00'));
    expect(timeOf(times, 'b', at('09:00'))).toEqual(at('09:00'));
  });

  test('a plan settles only when every destination is done', () => {
    expect(settledPlanEvent(['delivered', 'open'])).toBeNull();
    expect(settledPlanEvent(['delivered', 'delivered'])).toBe('published');
    expect(settledPlanEvent([])).toBe('published');
    expect(settledPlanEvent(['delivered', 'failed'])).toBe('partially_published');
    expect(settledPlanEvent(['failed', 'failed'])).toBe('publish_failed');
  });
});
