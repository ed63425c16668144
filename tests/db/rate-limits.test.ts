import { afterAll, beforeAll, expect, test } from 'vitest';
import { assertWithinRateLimit } from '../../src/bot/services/rate-limits.ts';
import { makeDatabase } from '../../src/db/client.ts';
import { takeRateLimit } from '../../src/db/rate-limits.ts';
import { isAppError } from '../../src/errors.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';

let first: TestDatabase;
let second: TestDatabase['db'];
let closeSecond: () => Promise<void>;

beforeAll(async () => {
  first = await createTestDatabase();
  // A second pool on the same database stands in for another process.
  const other = makeDatabase({ url: first.url, max: 5 });
  second = other.db;
  closeSecond = other.close;
});
afterAll(async () => {
  await closeSecond?.();
  await first?.drop();
});

test('simultaneous calls from two connection pools admit exactly the limit', async () => {
  const now = new Date('2026-12-01T10:00:00Z');
  const outcomes = await Promise.all(
    Array.from({ length: 20 }, (_, i) => takeRateLimit(i % 2 === 0 ? first.db : second, { key: 'race', limit: 5, windowMs: 60_000, now })),
  );
  expect(outcomes.filter((outcome) => outcome.isAllowed)).toHaveLength(5);
  expect(outcomes.find((outcome) => !outcome.isAllowed)).toEqual({ isAllowed: false, retryAfterMs: 60_000 });
});

test('the window slides: room comes back as the oldest hits leave it', async () => {
  const at = (seconds: number) => new Date(Date.UTC(2026, 11, 1, 11, 0, seconds));
  const take = (seconds: number) => takeRateLimit(first.db, { key: 'slide', limit: 2, windowMs: 60_000, now: at(seconds) });
  expect((await take(0)).isAllowed).toBe(true);
  expect((await take(30)).isAllowed).toBe(true);
  expect(await take(45)).toEqual({ isAllowed: false, retryAfterMs: 15_000 });
  expect((await take(61)).isAllowed).toBe(true);
  expect(await take(62)).toEqual({ isAllowed: false, retryAfterMs: 28_000 });
});

test('Edit brief has its own limit per plan, ready for the action', async () => {
  const deps = { db: first.db, rateLimits: { retryPerHour: 10, requestChangesPerHour: 20, destinationTestPerMinute: 10, editBriefPerHour: 1 }, now: () => new Date() };
  const edit = { kind: 'edit_brief', teamId: 'T0EDIT', planId: 'plan-1', planNumber: 7 } as const;
  await assertWithinRateLimit(deps, edit);
  const refused = await assertWithinRateLimit(deps, edit).catch((error: unknown) => error);
  expect(isAppError(refused, 'RATE_LIMITED')).toBe(true);
  expect((refused as Error).message).toBe('The brief of plan #7 was edited once in the last hour, the most allowed. Try again in 60 minutes.');
  await assertWithinRateLimit(deps, { ...edit, planId: 'plan-2' });
});
