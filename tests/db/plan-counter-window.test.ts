import { expect, test } from 'vitest';
import { startsInLastHour } from '../../src/db/plans.ts';

test('the hourly window is this minute and the 59 before it', () => {
  const now = new Date('2026-12-01T12:30:40Z');
  const minute = Math.floor(now.getTime() / 60_000);
  const starts = { [minute]: 2, [minute - 1]: 3, [minute - 59]: 5, [minute - 60]: 7, [minute - 500]: 11 };
  expect(startsInLastHour(starts, now)).toBe(10);
  expect(startsInLastHour({}, now)).toBe(0);
  // A minute later the oldest counted minute has left the window.
  expect(startsInLastHour(starts, new Date(now.getTime() + 60_000))).toBe(5);
});
