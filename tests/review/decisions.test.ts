import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { contentPlans } from '../../src/db/schema.ts';
import { makePlanSettings } from '../../src/domain/settings.ts';
import { DEFAULT_SETTINGS } from '../../src/domain/settings.ts';
import { isAppError } from '../../src/errors.ts';
import { approvePlan, requestChanges, schedulePlan } from '../../src/review/decisions.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';

const TEAM = 'T_DECIDE';
const AUTHOR = 'U_AUTHOR';
const AVERY = 'U_AVERY';
const NOW = new Date('2026-06-01T09:00:00Z');
let database: TestDatabase;
let planCount = 0;

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => database?.drop());

async function planIn(status: 'in_review' | 'scheduled') {
  planCount += 1;
  const settings = makePlanSettings({ ...DEFAULT_SETTINGS, approvers: [AUTHOR, AVERY] }, []);
  const [plan] = await database.db
    .insert(contentPlans)
    .values({
      teamId: TEAM,
      number: planCount,
      sourceKey: `decide-${planCount}`,
      authorId: AUTHOR,
      topic: 't',
      keyphrase: 'k',
      channels: ['blog'],
      postChannelId: 'C1',
      status,
      settings,
    })
    .returning();
  return plan!;
}

async function approvalsOf(planId: string) {
  return database.sql`select approver_id from approvals where plan_id = ${planId}`;
}

test('a schedule judged on a scheduled plan is judged again under the lock: once back in review it is an approval, and its author cannot give it', async () => {
  // The author's schedule modal was checked while the plan was scheduled (a "schedule", which an
  // author may do); by the time it is saved the plan is back in review, where it would approve.
  const plan = await planIn('in_review');
  const attempt = schedulePlan({
    db: database.db,
    teamId: TEAM,
    planId: plan.id,
    actor: { userId: AUTHOR, isAdmin: false },
    revision: 0,
    destinations: [{ key: 'slack:C1', name: '<#C1>', at: new Date(NOW.getTime() + 3_600_000) }],
    now: NOW,
    maxAttempts: 1,
  });
  await expect(attempt).rejects.toSatisfy((error) => isAppError(error, 'FORBIDDEN') && /someone else needs to approve/.test(error.message));
  expect(await approvalsOf(plan.id)).toHaveLength(0);
  const [row] = await database.db.select().from(contentPlans).where(eq(contentPlans.id, plan.id));
  expect(row?.status).toBe('in_review');
});

test('an approver may schedule from review, which approves; the author may reschedule a scheduled plan', async () => {
  const plan = await planIn('in_review');
  const at = (ms: number) => [{ key: 'slack:C1', name: '<#C1>', at: new Date(NOW.getTime() + ms) }];
  const input = { db: database.db, teamId: TEAM, planId: plan.id, revision: 0, destinations: at(3_600_000), now: NOW, maxAttempts: 1 };
  const outcome = await schedulePlan({ ...input, actor: { userId: AVERY, isAdmin: false } });
  expect(outcome.plan.status).toBe('scheduled');
  expect(outcome.approval?.isApproved).toBe(true);
  const rescheduled = await schedulePlan({ ...input, destinations: at(7_200_000), actor: { userId: AUTHOR, isAdmin: false } });
  expect(rescheduled.plan.scheduledAt?.getTime()).toBe(NOW.getTime() + 7_200_000);
});

test('a person who is not an approver is refused under the lock too', async () => {
  const plan = await planIn('in_review');
  const attempt = approvePlan({ db: database.db, teamId: TEAM, planId: plan.id, actor: { userId: 'U_STRANGER', isAdmin: true }, revision: 0, now: NOW });
  await expect(attempt).rejects.toSatisfy((error) => isAppError(error, 'FORBIDDEN'));
  expect(await approvalsOf(plan.id)).toHaveLength(0);
});

test('a decision made on an older revision is refused under the lock, whatever the listener checked', async () => {
  const plan = await planIn('in_review');
  await database.db.update(contentPlans).set({ revision: 1, messagePermalink: 'https://acme.slack.com/archives/C1/p1' }).where(eq(contentPlans.id, plan.id));
  const attempt = approvePlan({ db: database.db, teamId: TEAM, planId: plan.id, actor: { userId: AVERY, isAdmin: false }, revision: 0, now: NOW });
  await expect(attempt).rejects.toSatisfy(
    (error) =>
      isAppError(error, 'CONFLICT') &&
      error.message === 'This is revision 1; revision 2 is now in review. Nothing was changed. <https://acme.slack.com/archives/C1/p1|Open revision 2>',
  );
  expect(await approvalsOf(plan.id)).toHaveLength(0);
  const changes = requestChanges({ db: database.db, teamId: TEAM, planId: plan.id, actor: { userId: AVERY, isAdmin: false }, revision: 0, feedback: 'x', scope: { kind: 'blog' }, maxAttempts: 1 });
  await expect(changes).rejects.toSatisfy((error) => isAppError(error, 'CONFLICT'));
  const [row] = await database.db.select().from(contentPlans).where(eq(contentPlans.id, plan.id));
  expect(row?.status).toBe('in_review');
  const approved = await approvePlan({ db: database.db, teamId: TEAM, planId: plan.id, actor: { userId: AVERY, isAdmin: false }, revision: 1, now: NOW });
  expect(approved.isApproved).toBe(true);
});
