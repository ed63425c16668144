import { afterAll, beforeAll, expect, test } from 'vitest';
import { getDashboard } from '../../src/db/dashboard.ts';
import { contentPlans, publishAttempts, refinements, stageRuns } from '../../src/db/schema.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';

const TEAM = 'T_DASH';
const OTHER_TEAM = 'T_OTHER';
const BUSY_TEAM = 'T_BUSY';
const NOW = new Date('2025-06-30T12:00:00Z');
const HOUR = 60 * 60 * 1000;
const DAY = 24 * HOUR;
const ago = (ms: number) => new Date(NOW.getTime() - ms);

let database: TestDatabase;
let planIds: Record<string, string>;

beforeAll(async () => {
  database = await createTestDatabase();
  planIds = await seed(database);
});
afterAll(async () => database?.drop());

test("every figure matches the hand computation, and other teams' and older rows are left out", async () => {
  const dashboard = await getDashboard(database.db, { teamId: TEAM, now: NOW, pricePer1k: 0.25 });

  // In the window: in_review #2 #3, failed #4 #5, drafting #6, approved #7, published #1.
  // Ties keep the pipeline's order of statuses.
  expect(dashboard.byStatus).toEqual([
    { status: 'in_review', count: 2 },
    { status: 'failed', count: 2 },
    { status: 'drafting', count: 1 },
    { status: 'approved', count: 1 },
    { status: 'published', count: 1 },
  ]);

  // #1 60→80, #2 70→85, #3 75→75, #5 50→73: before 255/4 = 63.75 → 63.8, after 313/4 = 78.25 → 78.3.
  expect(dashboard.seo).toEqual({ plans: 4, averageBefore: 63.8, averageAfter: 78.3 });

  // #1: 2, #2: 1, #3: 0, #5: 1 on its current revision 1 (its 3 of revision 0 do not count).
  expect(dashboard.revisionsPerPlan).toEqual([
    { revisions: 0, plans: 1 },
    { revisions: 1, plans: 2 },
    { revisions: 2, plans: 1 },
  ]);

  // percentile_cont: rank p·(n−1) in the sorted durations, interpolated linearly.
  expect(dashboard.stageTimes).toEqual([
    // [1000, 2000, 4000]: median 2000; p95 rank 1.9 → 2000 + 0.9·2000 = 3800.
    { stage: 'research', medianMs: 2000, p95Ms: 3800, runs: 3 },
    // [3000, 5000]: median 4000; p95 rank 0.95 → 3000 + 0.95·2000 = 4900. The failed 9000 ms run is left out.
    { stage: 'draft', medianMs: 4000, p95Ms: 4900, runs: 2 },
    // [100, 200, 300, 400, 500]: median 300; p95 rank 3.8 → 400 + 0.8·100 = 480. The running one is left out.
    { stage: 'optimize', medianMs: 300, p95Ms: 480, runs: 5 },
    // [1000, 2000, 3000, 6000]: median rank 1.5 → 2500; p95 rank 2.85 → 3000 + 0.85·3000 = 5550.
    { stage: 'variants', medianMs: 2500, p95Ms: 5550, runs: 4 },
  ]);

  // Input 600 + 4000 + 500 (failed draft) + 500 + 1200 = 6800; output 60 + 2000 + 250 + 800 = 3110.
  // Cost 9910 / 1000 · 0.25 = 2.4775 → 2.48.
  expect(dashboard.tokens).toEqual({ input: 6800, output: 3110, estimatedCost: 2.48, pricePer1k: 0.25 });

  // #10 was created before the window but failed inside it; #9 failed before it.
  expect(dashboard.failures).toEqual([
    { planId: planIds['5'], number: 5, topic: 'Topic 5', stage: 'publish', reason: 'Something went wrong.', at: ago(1 * HOUR) },
    { planId: planIds['4'], number: 4, topic: 'Topic 4', stage: 'draft', reason: 'The model timed out.', at: ago(2 * HOUR) },
    { planId: planIds['10'], number: 10, topic: 'Topic 10', stage: 'research', reason: 'No sources could be read.', at: ago(3 * DAY) },
  ]);

  expect(dashboard.publications).toEqual([
    { number: 1, topic: 'Topic 1', destination: '#marketing', url: 'https://slack.example.com/archives/C1/p1', at: ago(4 * HOUR) },
    { number: 1, topic: 'Topic 1', destination: 'Company blog', url: 'https://blog.example.com/topic-1', at: ago(5 * HOUR) },
    { number: 5, topic: 'Topic 5', destination: 'Zapier hook', url: null, at: ago(6 * HOUR) },
  ]);
});

test('a shorter window counts only what falls inside it', async () => {
  const dashboard = await getDashboard(database.db, { teamId: TEAM, now: NOW, days: 1, pricePer1k: 1 });
  // Only #5 and #4 failed within the last day; the publications were all delivered today.
  expect(dashboard.failures.map((failure) => failure.number)).toEqual([5, 4]);
  expect(dashboard.publications).toHaveLength(3);
  // Plans #1–#7 were created 2 to 8 days ago.
  expect(dashboard.byStatus).toEqual([]);
  expect(dashboard.seo).toEqual({ plans: 0, averageBefore: null, averageAfter: null });
  expect(dashboard.revisionsPerPlan).toEqual([]);
});

test('failures and publications stop at the 10 newest', async () => {
  const dashboard = await getDashboard(database.db, { teamId: BUSY_TEAM, now: NOW, pricePer1k: 1 });
  // Plan n failed n hours ago and was delivered n hours ago, n = 1..12.
  expect(dashboard.failures.map((failure) => failure.number)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  expect(dashboard.publications.map((publication) => publication.number)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  expect(dashboard.byStatus).toEqual([{ status: 'failed', count: 12 }]);
});

test('inside a transaction it reads the same figures', async () => {
  const outside = await getDashboard(database.db, { teamId: TEAM, now: NOW, pricePer1k: 0.25 });
  const inside = await database.db.transaction((tx) => getDashboard(tx, { teamId: TEAM, now: NOW, pricePer1k: 0.25 }));
  expect(inside).toEqual(outside);
});

test('a workspace with nothing yet gets empty figures', async () => {
  const dashboard = await getDashboard(database.db, { teamId: 'T_EMPTY', now: NOW, pricePer1k: 0.5 });
  expect(dashboard).toEqual({
    byStatus: [],
    seo: { plans: 0, averageBefore: null, averageAfter: null },
    revisionsPerPlan: [],
    stageTimes: [],
    tokens: { input: 0, output: 0, estimatedCost: 0, pricePer1k: 0.5 },
    failures: [],
    publications: [],
  });
});

type PlanRow = typeof contentPlans.$inferInsert;

async function insertPlan(db: TestDatabase['db'], teamId: string, number: number, fields: Partial<PlanRow> = {}): Promise<string> {
  const [row] = await db
    .insert(contentPlans)
    .values({
      teamId,
      number,
      sourceKey: `source-${number}`,
      authorId: 'U_AUTHOR',
      topic: `Topic ${number}`,
      keyphrase: 'content marketing',
      channels: ['blog'],
      postChannelId: 'C_PLANS',
      ...fields,
    })
    .returning({ id: contentPlans.id });
  if (!row) throw new Error('plan not inserted');
  return row.id;
}

async function seed({ db }: TestDatabase): Promise<Record<string, string>> {
  const created = (days: number) => ({ createdAt: ago(days * DAY), updatedAt: ago(days * DAY) });
  const ids: Record<string, string> = {};
  ids['1'] = await insertPlan(db, TEAM, 1, { ...created(8), status: 'published', initialSeoScore: 60, seoScore: 80 });
  ids['2'] = await insertPlan(db, TEAM, 2, { ...created(7), status: 'in_review', initialSeoScore: 70, seoScore: 85 });
  ids['3'] = await insertPlan(db, TEAM, 3, { ...created(6), status: 'in_review', initialSeoScore: 75, seoScore: 75 });
  ids['4'] = await insertPlan(db, TEAM, 4, {
    createdAt: ago(5 * DAY),
    updatedAt: ago(2 * HOUR),
    status: 'failed',
    failedStage: 'draft',
    error: 'The model timed out.',
  });
  ids['5'] = await insertPlan(db, TEAM, 5, {
    createdAt: ago(4 * DAY),
    updatedAt: ago(1 * HOUR),
    status: 'failed',
    failedStage: 'publish',
    revision: 1,
    initialSeoScore: 50,
    seoScore: 73,
  });
  ids['6'] = await insertPlan(db, TEAM, 6, { ...created(3), status: 'drafting' });
  // A score without a starting score is not a before/after pair, and not an optimised plan.
  ids['7'] = await insertPlan(db, TEAM, 7, { ...created(2), status: 'approved', seoScore: 90 });
  // Created before the window.
  ids['8'] = await insertPlan(db, TEAM, 8, { ...created(40), status: 'in_review', initialSeoScore: 10, seoScore: 99 });
  ids['9'] = await insertPlan(db, TEAM, 9, { createdAt: ago(40 * DAY), updatedAt: ago(35 * DAY), status: 'failed', failedStage: 'draft', error: 'Old.' });
  ids['10'] = await insertPlan(db, TEAM, 10, {
    createdAt: ago(40 * DAY),
    updatedAt: ago(3 * DAY),
    status: 'failed',
    failedStage: 'research',
    error: 'No sources could be read.',
  });
  // Another workspace, in the window, with the same numbers.
  const other = await insertPlan(db, OTHER_TEAM, 1, {
    ...created(1),
    updatedAt: ago(30 * 60 * 1000),
    status: 'failed',
    failedStage: 'draft',
    error: 'Not ours.',
    initialSeoScore: 0,
    seoScore: 0,
  });

  const refinement = (teamId: string, planId: string, revision: number, iteration: number) => ({
    teamId,
    planId,
    revision,
    iteration,
    fromVersion: iteration,
    toVersion: iteration + 1,
    scoreBefore: 50,
    scoreAfter: 60,
    instructions: ['Add the keyphrase to a heading'],
  });
  await db.insert(refinements).values([
    refinement(TEAM, ids['1'], 0, 1),
    refinement(TEAM, ids['1'], 0, 2),
    refinement(TEAM, ids['2'], 0, 1),
    refinement(TEAM, ids['5'], 0, 1),
    refinement(TEAM, ids['5'], 0, 2),
    refinement(TEAM, ids['5'], 0, 3),
    refinement(TEAM, ids['5'], 1, 1),
    refinement(TEAM, ids['8'], 0, 1),
    refinement(TEAM, ids['8'], 0, 2),
    refinement(OTHER_TEAM, other, 0, 1),
  ]);

  let attempt = 0;
  const run = (
    teamId: string,
    planId: string,
    stage: string,
    { durationMs, tokensIn, tokensOut, status = 'succeeded', startedDaysAgo = 1 }: { durationMs: number | null; tokensIn: number; tokensOut: number; status?: string; startedDaysAgo?: number },
  ) => {
    const startedAt = ago(startedDaysAgo * DAY);
    attempt += 1;
    return {
      teamId,
      planId,
      stage,
      attempt,
      status,
      startedAt,
      finishedAt: durationMs === null ? null : new Date(startedAt.getTime() + durationMs),
      tokensIn,
      tokensOut,
    };
  };
  const plan1 = ids['1'];
  const plan2 = ids['2'];
  await db.insert(stageRuns).values([
    // Inserted out of order, so the order of the result is the code's.
    run(TEAM, plan1, 'variant:linkedin', { durationMs: 6000, tokensIn: 300, tokensOut: 200 }),
    run(TEAM, plan1, 'variant:x_thread', { durationMs: 2000, tokensIn: 300, tokensOut: 200 }),
    run(TEAM, plan2, 'variant:newsletter', { durationMs: 3000, tokensIn: 300, tokensOut: 200 }),
    run(TEAM, plan2, 'variant:linkedin', { durationMs: 1000, tokensIn: 300, tokensOut: 200 }),
    run(TEAM, plan1, 'optimize', { durationMs: 500, tokensIn: 100, tokensOut: 50 }),
    run(TEAM, plan1, 'optimize', { durationMs: 100, tokensIn: 100, tokensOut: 50 }),
    run(TEAM, plan1, 'optimize', { durationMs: 300, tokensIn: 100, tokensOut: 50 }),
    run(TEAM, plan2, 'optimize', { durationMs: 400, tokensIn: 100, tokensOut: 50 }),
    run(TEAM, plan2, 'optimize', { durationMs: 200, tokensIn: 100, tokensOut: 50 }),
    run(TEAM, plan2, 'optimize', { durationMs: null, tokensIn: 0, tokensOut: 0, status: 'running' }),
    run(TEAM, plan1, 'draft', { durationMs: 5000, tokensIn: 2000, tokensOut: 1000 }),
    run(TEAM, plan2, 'draft', { durationMs: 9000, tokensIn: 500, tokensOut: 0, status: 'failed' }),
    run(TEAM, plan2, 'draft', { durationMs: 3000, tokensIn: 2000, tokensOut: 1000 }),
    run(TEAM, plan1, 'research', { durationMs: 4000, tokensIn: 300, tokensOut: 30 }),
    run(TEAM, plan1, 'research', { durationMs: 1000, tokensIn: 100, tokensOut: 10 }),
    run(TEAM, plan2, 'research', { durationMs: 2000, tokensIn: 200, tokensOut: 20 }),
    // Started before the window.
    run(TEAM, ids['8'], 'research', { durationMs: 100_000, tokensIn: 99_999, tokensOut: 99_999, startedDaysAgo: 31 }),
    run(TEAM, ids['8'], 'variant:linkedin', { durationMs: 100_000, tokensIn: 99_999, tokensOut: 99_999, startedDaysAgo: 31 }),
    // Another workspace.
    run(OTHER_TEAM, other, 'research', { durationMs: 50_000, tokensIn: 7777, tokensOut: 7777 }),
    run(OTHER_TEAM, other, 'publish', { durationMs: 50_000, tokensIn: 7777, tokensOut: 7777 }),
  ]);

  const delivery = (
    teamId: string,
    planId: string,
    destinationName: string,
    fields: Partial<typeof publishAttempts.$inferInsert>,
  ): typeof publishAttempts.$inferInsert => ({
    teamId,
    planId,
    revision: 0,
    destinationKey: destinationName,
    destinationName,
    destinationKind: 'webhook',
    state: 'delivered',
    ...fields,
  });
  await db.insert(publishAttempts).values([
    delivery(TEAM, ids['1'], 'Company blog', { destinationKind: 'wordpress', url: 'https://blog.example.com/topic-1', deliveredAt: ago(5 * HOUR) }),
    delivery(TEAM, ids['1'], '#marketing', { destinationKind: 'slack_channel', url: 'https://slack.example.com/archives/C1/p1', deliveredAt: ago(4 * HOUR) }),
    delivery(TEAM, ids['5'], 'Zapier hook', { deliveredAt: ago(6 * HOUR) }),
    delivery(TEAM, ids['5'], 'Failing hook', { revision: 1, state: 'failed', reason: 'HTTP 500' }),
    delivery(TEAM, ids['2'], 'Pending hook', { state: 'pending' }),
    delivery(TEAM, ids['8'], 'Old hook', { url: 'https://old.example.com', deliveredAt: ago(35 * DAY) }),
    delivery(OTHER_TEAM, other, 'Their hook', { url: 'https://theirs.example.com', deliveredAt: ago(1 * HOUR) }),
  ]);

  for (let n = 1; n <= 12; n += 1) {
    const planId = await insertPlan(db, BUSY_TEAM, n, { createdAt: ago(2 * DAY), updatedAt: ago(n * HOUR), status: 'failed', error: `Failure ${n}` });
    await db.insert(publishAttempts).values(delivery(BUSY_TEAM, planId, `Hook ${n}`, { deliveredAt: ago(n * HOUR) }));
  }
  return ids;
}
