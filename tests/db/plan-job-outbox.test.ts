import pino from 'pino';
import { afterAll, beforeAll, beforeEach, expect, test } from 'vitest';
import { makeDatabase } from '../../src/db/client.ts';
import { createPlan, startPlans } from '../../src/db/plans.ts';
import { LEFT_IN_OUTBOX_AFTER_MS, makePlanStarter, makeStartWaitingPlans } from '../../src/jobs/plan-starter.ts';
import { newPlanJobs } from '../../src/jobs/queue.ts';
import type { JobHelpers } from 'graphile-worker';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { newPlanFields } from '../support/plan-fields.ts';

const TEAM = 'T_OUTBOX';
const logger = pino({ level: 'silent' });
let database: TestDatabase;
let submissions = 0;

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => database?.drop());
beforeEach(async () => {
  await database.sql`delete from graphile_worker._private_jobs`;
});

const FIELDS = newPlanFields({ topic: 'Outbox topic', keyphrase: 'outbox' });

async function savePlan(): Promise<string> {
  submissions += 1;
  const { plan } = await createPlan(database.db, {
    teamId: TEAM,
    sourceKey: `outbox:${submissions}`,
    fields: () => FIELDS,
    firstJobs: (saved) => newPlanJobs(saved, { maxAttempts: 3, channelId: 'C_PLANS', fallbackChannelId: null }),
    hourlyLimit: 1_000,
    now: new Date(),
  });
  return plan.id;
}

async function jobsOf(planId: string): Promise<string[]> {
  const rows = await database.sql<{ identifier: string }[]>`
    select tasks.identifier from graphile_worker._private_jobs as jobs
    join graphile_worker._private_tasks as tasks on tasks.id = jobs.task_id
    where jobs.payload->>'planId' = ${planId} order by tasks.identifier`;
  return rows.map((row) => row.identifier);
}

async function outboxOf(planId: string) {
  return database.sql`select plan_id from plan_job_outbox where plan_id = ${planId}`;
}

test('a saved plan waits in the outbox until it is started, then has its two first jobs once', async () => {
  const planId = await savePlan();
  expect(await jobsOf(planId)).toEqual([]);
  expect(await outboxOf(planId)).toHaveLength(1);

  expect(await startPlans(database.db, { planIds: [planId] })).toBe(2);
  expect(await jobsOf(planId)).toEqual(['post_plan_message', 'research_plan']);
  expect(await outboxOf(planId)).toHaveLength(0);
  expect(await startPlans(database.db, { planIds: [planId] })).toBe(0);
  expect(await jobsOf(planId)).toEqual(['post_plan_message', 'research_plan']);
});

test('two starters racing for the same plans add each plan\'s jobs once', async () => {
  const planIds = await Promise.all(Array.from({ length: 6 }, () => savePlan()));
  const added = await Promise.all([startPlans(database.db, { planIds }), startPlans(database.db, { planIds: [...planIds].reverse() })]);
  expect(added[0] + added[1]).toBe(12);
  for (const planId of planIds) expect(await jobsOf(planId)).toEqual(['post_plan_message', 'research_plan']);
});

test('a plan cancelled or deleted before it starts gets no jobs, and leaves the outbox', async () => {
  const cancelled = await savePlan();
  const deleted = await savePlan();
  await database.sql`update content_plans set status = 'cancelled' where id = ${cancelled}`;
  await database.sql`update content_plans set deleted_at = now() where id = ${deleted}`;
  expect(await startPlans(database.db, { planIds: [cancelled, deleted] })).toBe(0);
  expect([...(await jobsOf(cancelled)), ...(await jobsOf(deleted))]).toEqual([]);
  expect([...(await outboxOf(cancelled)), ...(await outboxOf(deleted))]).toEqual([]);
});

test('the starter puts the plans acked while a statement runs into the next one', async () => {
  const planIds = await Promise.all(Array.from({ length: 5 }, () => savePlan()));
  const statements: string[] = [];
  const counted = makeDatabase({ url: database.url, max: 2, onQuery: (query) => statements.push(query) });
  try {
    const starter = makePlanStarter({ db: counted.db, logger });
    for (const planId of planIds) starter.start(planId);
    await starter.flush();
    expect(statements.filter((query) => /plan_job_outbox/.test(query))).toHaveLength(1);
    for (const planId of planIds) expect(await jobsOf(planId)).toEqual(['post_plan_message', 'research_plan']);
  } finally {
    await counted.close();
  }
});

test('the minute sweep starts plans a stopped process left in the outbox, and not the ones just saved', async () => {
  const left = await savePlan();
  const fresh = await savePlan();
  await database.sql`update plan_job_outbox set created_at = now() - ${`${LEFT_IN_OUTBOX_AFTER_MS + 5_000} milliseconds`}::interval where plan_id = ${left}`;
  const sweep = makeStartWaitingPlans({ db: database.db, logger, now: () => new Date() });
  await sweep({}, {} as JobHelpers);
  expect(await jobsOf(left)).toEqual(['post_plan_message', 'research_plan']);
  expect(await jobsOf(fresh)).toEqual([]);
  expect(await outboxOf(fresh)).toHaveLength(1);
});
