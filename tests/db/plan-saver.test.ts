import { afterAll, beforeAll, beforeEach, expect, test } from 'vitest';
import { makeDatabase, type DatabaseHandle } from '../../src/db/client.ts';
import { makePlanSaver } from '../../src/db/plan-saver.ts';
import { planIdFor, type PlanRequest } from '../../src/db/plans.ts';
import { isAppError } from '../../src/errors.ts';
import { newPlanJobs } from '../../src/jobs/queue.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { newPlanFields } from '../support/plan-fields.ts';

const TEAM = 'T_SAVER';
let database: TestDatabase;
let counted: DatabaseHandle;
let statements = 0;

beforeAll(async () => {
  database = await createTestDatabase();
  counted = makeDatabase({ url: database.url, max: 5, onQuery: () => (statements += 1) });
});
afterAll(async () => {
  await counted?.close();
  await database?.drop();
});
beforeEach(async () => {
  await database.sql`delete from plan_job_outbox`;
  await database.sql`delete from audit_log`;
  await database.sql`delete from content_plans`;
  await database.sql`delete from plan_counters`;
});

function request(sourceKey: string, overrides: Partial<PlanRequest> = {}): PlanRequest {
  return {
    teamId: TEAM,
    sourceKey,
    fields: (settings) => newPlanFields({ topic: `Topic of ${sourceKey}`, tone: settings.defaultTone }),
    firstJobs: (plan) => newPlanJobs(plan, { maxAttempts: 3, channelId: 'C_PLANS', fallbackChannelId: null }),
    hourlyLimit: 1_000,
    now: new Date(),
    ...overrides,
  };
}

const numbersOf = (results: readonly { plan: { number: number } }[]) => results.map((result) => result.plan.number).sort((a, b) => a - b);
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, index) => from + index);

test("submissions to one workspace that arrive together share statements, and each gets its own plan, number, audit row and jobs", async () => {
  const saver = makePlanSaver(counted.db);
  // The statements that prepare a connection's types are not the saver's.
  await saver.save(request('view:V0'));
  statements = 0;
  const results = await Promise.all(range(1, 40).map((i) => saver.save(request(`view:V${i}`))));
  expect(results.every((result) => result.isNew)).toBe(true);
  expect(results.map((result) => result.plan.id)).toEqual(range(1, 40).map((i) => planIdFor(TEAM, `view:V${i}`)));
  expect(numbersOf(results)).toEqual(range(2, 41));
  // One by one, it would be 80.
  expect(statements).toBeLessThanOrEqual(10);
  const [rows] = await database.sql<{ plans: number; audits: number; outbox: number; topics: number }[]>`
    select (select count(*) from content_plans)::int as plans, (select count(*) from audit_log where action = 'plan_created')::int as audits,
      (select count(*) from plan_job_outbox where jsonb_array_length(jobs) = 2)::int as outbox,
      (select count(*) from content_plans where topic = 'Topic of ' || source_key)::int as topics`;
  expect(rows).toEqual({ plans: 41, audits: 41, outbox: 41, topics: 41 });
});

test('a batch with a repeat in it is created one plan at a time: the repeat gets the first plan and takes no number', async () => {
  const saver = makePlanSaver(counted.db);
  const first = await saver.save(request('view:V1'));
  const results = await Promise.all([saver.save(request('view:V2')), saver.save(request('view:V1')), saver.save(request('view:V3')), saver.save(request('view:V2'))]);
  expect(results.map((result) => result.isNew)).toEqual([true, false, true, false]);
  expect(results[1]?.plan).toMatchObject(first.plan);
  expect(results[3]?.plan).toMatchObject(results[0]!.plan);
  expect(numbersOf([first, results[0]!, results[2]!])).toEqual([1, 2, 3]);
  const [row] = await database.sql<{ count: number }[]>`select count(*)::int as count from content_plans`;
  expect(row?.count).toBe(3);
});

test('a batch past the hourly limit is created one plan at a time: those that fit are saved, the others are refused', async () => {
  const saver = makePlanSaver(counted.db);
  const outcomes = await Promise.allSettled(range(1, 8).map((i) => saver.save(request(`view:V${i}`, { hourlyLimit: 5 }))));
  const saved = outcomes.filter((outcome) => outcome.status === 'fulfilled');
  const refused = outcomes.filter((outcome) => outcome.status === 'rejected');
  expect(numbersOf(saved.map((outcome) => outcome.value))).toEqual([1, 2, 3, 4, 5]);
  expect(refused.map((outcome) => isAppError(outcome.reason, 'RATE_LIMITED'))).toEqual([true, true, true]);
});

test('workspaces are numbered apart, each from 1', async () => {
  const saver = makePlanSaver(counted.db);
  const results = await Promise.all(range(1, 12).map((i) => saver.save(request(`view:V${i}`, { teamId: i % 2 ? TEAM : 'T_SAVER_OTHER' }))));
  expect(numbersOf(results.filter((_, index) => index % 2 === 0))).toEqual(range(1, 6));
  expect(numbersOf(results.filter((_, index) => index % 2 === 1))).toEqual(range(1, 6));
});

test('a batch whose save is refused as a whole is saved again plan by plan, with new numbers', async () => {
  // A plan that holds number 3 without the counter knowing: the batch's save of 1 to 5 collides with it.
  await database.sql`insert into content_plans (team_id, number, source_key, author_id, topic, keyphrase, channels, post_channel_id)
    values (${TEAM}, 3, 'seeded', 'U_AUTHOR', 'Seeded', 'seeded', '{blog}', 'C_PLANS')`;
  const saver = makePlanSaver(counted.db);
  const results = await Promise.all(range(1, 5).map((i) => saver.save(request(`view:V${i}`))));
  expect(results.every((result) => result.isNew)).toBe(true);
  expect(numbersOf(results)).toEqual(range(6, 10));
});
