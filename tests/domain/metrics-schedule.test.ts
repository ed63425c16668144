import { expect, test } from 'vitest';
import { isMetricsCollectionDue, nextMetricsCollection } from '../../src/domain/metrics-schedule.ts';

const PUBLISHED = new Date('2026-11-01T10:20:00Z');
const hours = (count: number) => new Date(PUBLISHED.getTime() + count * 60 * 60 * 1000);

test('hourly for 48 hours after publishing, counted from the publication', () => {
  expect(nextMetricsCollection(PUBLISHED, PUBLISHED)).toEqual(hours(1));
  expect(nextMetricsCollection(PUBLISHED, hours(1))).toEqual(hours(2));
  expect(nextMetricsCollection(PUBLISHED, hours(5.5))).toEqual(hours(6));
  expect(nextMetricsCollection(PUBLISHED, hours(47))).toEqual(hours(48));
});

test('daily from 48 hours to 30 days, then never again', () => {
  expect(nextMetricsCollection(PUBLISHED, hours(48))).toEqual(hours(72));
  expect(nextMetricsCollection(PUBLISHED, hours(50))).toEqual(hours(72));
  expect(nextMetricsCollection(PUBLISHED, hours(24 * 29))).toEqual(hours(24 * 30));
  expect(nextMetricsCollection(PUBLISHED, hours(24 * 30))).toBeNull();
  expect(nextMetricsCollection(PUBLISHED, hours(24 * 40))).toBeNull();
});

test('the whole schedule: 48 hourly reads and 28 daily ones', () => {
  const times: Date[] = [];
  let at: Date | null = PUBLISHED;
  while ((at = nextMetricsCollection(PUBLISHED, at)) !== null) times.push(at);
  expect(times).toHaveLength(48 + 28);
  expect(times.at(-1)).toEqual(hours(24 * 30));
});

test('due when the next time after the last collection has come', () => {
  expect(isMetricsCollectionDue(PUBLISHED, null, hours(0.5))).toBe(false);
  expect(isMetricsCollectionDue(PUBLISHED, null, hours(1))).toBe(true);
  expect(isMetricsCollectionDue(PUBLISHED, hours(1), hours(1.9))).toBe(false);
  expect(isMetricsCollectionDue(PUBLISHED, hours(49), hours(71))).toBe(false);
  expect(isMetricsCollectionDue(PUBLISHED, hours(49), hours(72))).toBe(true);
  expect(isMetricsCollectionDue(PUBLISHED, hours(24 * 30), hours(24 * 31))).toBe(false);
});
