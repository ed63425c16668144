import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { applyPlanEvent, type PlanEventPatch } from '../../src/db/plan-events.ts';
import { contentPlans } from '../../src/db/schema.ts';
import { nextPlanStatus, PLAN_STATUSES, STAGES, type PlanEvent, type PlanStatus } from '../../src/domain/plan-states.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';

const TEAM = 'T_EVENTS';
let database: TestDatabase;
let planId: string;

beforeAll(async () => {
  database = await createTestDatabase();
  const [plan] = await database.db
    .insert(contentPlans)
    .values({ teamId: TEAM, number: 1, sourceKey: 'events', authorId: 'U1', topic: 't', keyphrase: 'k', channels: ['blog'], postChannelId: 'C1' })
    .returning();
  planId = plan!.id;
});
afterAll(async () => database?.drop());

/** Every event the kernel knows, with each variant of its parameters. */
const EVENTS: PlanEvent[] = [
  { type: 'submitted' },
  ...STAGES.map((stage): PlanEvent => ({ type: 'stage_started', stage })),
  ...STAGES.map((stage): PlanEvent => ({ type: 'stage_succeeded', stage })),
  { type: 'stage_succeeded', stage: 'optimize', hasVariants: false },
  ...STAGES.map((stage): PlanEvent => ({ type: 'stage_failed', stage, reason: 'it broke' })),
  { type: 'revision_started', scope: { kind: 'plan' } },
  { type: 'approved' },
  { type: 'changes_requested' },
  { type: 'rejected' },
  { type: 'scheduled' },
  { type: 'unscheduled', isApproved: true },
  { type: 'unscheduled', isApproved: false },
  { type: 'publish_started' },
  { type: 'published' },
  { type: 'publish_failed', reason: 'nobody took it' },
  { type: 'expired' },
  { type: 'cancelled' },
  ...[...STAGES, 'publish' as const].map((stage): PlanEvent => ({ type: 'retried', stage })),
];

async function setStatus(status: PlanStatus) {
  await database.db.update(contentPlans).set({ status, failedStage: null, error: null }).where(eq(contentPlans.id, planId));
}

async function statusNow() {
  const [row] = await database.db.select().from(contentPlans).where(eq(contentPlans.id, planId));
  return row!;
}

test('the writer and the kernel agree on every (state, event) pair', async () => {
  let allowed = 0;
  for (const from of PLAN_STATUSES) {
    for (const event of EVENTS) {
      await setStatus(from);
      const expected = nextPlanStatus(from, event);
      const result = await applyPlanEvent(database.db, { teamId: TEAM, planId }, event);
      const row = await statusNow();
      const label = `${from} + ${JSON.stringify(event)}`;
      if (expected === null) {
        expect(result, label).toMatchObject({ isApplied: false, from });
        expect(result.isApplied ? '' : result.message, label).toContain('no longer possible');
        expect(row.status, label).toBe(from);
      } else {
        allowed += 1;
        expect(result.isApplied, label).toBe(true);
        expect(row.status, label).toBe(expected);
        if (event.type === 'stage_failed') expect(row.failedStage, label).toBe(event.stage);
        if (event.type === 'publish_failed') expect([row.failedStage, row.error], label).toEqual(['publish', event.reason]);
      }
    }
  }
  // The table is not trivially empty or full.
  expect(allowed).toBeGreaterThan(30);
  expect(allowed).toBeLessThan(PLAN_STATUSES.length * EVENTS.length / 2);
});

test('a refused event names the status it was refused from, and another workspace finds nothing', async () => {
  await setStatus('published');
  const refused = await applyPlanEvent(database.db, { teamId: TEAM, planId }, { type: 'approved' });
  expect(refused).toEqual({ isApplied: false, from: 'published', message: 'Plan #1 is published, so that is no longer possible (approved).' });
  await setStatus('in_review');
  const foreign = await applyPlanEvent(database.db, { teamId: 'T_OTHER', planId }, { type: 'approved' });
  expect(foreign).toMatchObject({ isApplied: false, from: null });
  expect((await statusNow()).status).toBe('in_review');
});

test('only one of two racing writers applies an event', async () => {
  await setStatus('in_review');
  const results = await Promise.all([
    applyPlanEvent(database.db, { teamId: TEAM, planId }, { type: 'rejected' }),
    applyPlanEvent(database.db, { teamId: TEAM, planId }, { type: 'rejected' }),
  ]);
  expect(results.filter((result) => result.isApplied)).toHaveLength(1);
});

test('the writer takes events, never a target status', () => {
  // @ts-expect-error a patch cannot carry a status: only events move a plan
  const patch: PlanEventPatch = { status: 'published' };
  expect(patch).toBeDefined();
});
