import { afterAll, beforeAll, expect, test } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { auditLog, contentPlans, metricSnapshots, publishAttempts } from '../../src/db/schema.ts';
import type { MetricValues } from '../../src/domain/metrics.ts';
import { getTeamView } from '../../src/db/team-view.ts';
import { canSeePlan } from '../../src/domain/plan-visibility.ts';
import type { ChannelId } from '../../src/domain/channels.ts';
import type { PlanStatus } from '../../src/domain/plan-states.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';

const TEAM = 'T_TEAMVIEW';
const OTHER_TEAM = 'T_ELSEWHERE';
const AVERY = 'U0AVERY';
const NOW = new Date('2025-06-30T12:00:00Z');
const HOUR = 60 * 60 * 1000;
const DAY = 24 * HOUR;
const at = (offsetMs: number) => new Date(NOW.getTime() + offsetMs);

let database: TestDatabase;

type Seed = {
  number: number;
  status: PlanStatus;
  createdAt: Date;
  approvedAt?: Date;
  scheduledAt?: Date;
  channels?: ChannelId[];
  isPrivate?: boolean;
  deleted?: boolean;
  sentBack?: { action: 'changes_requested' | 'rejected'; at: Date };
  deliveredAt?: Date;
  teamId?: string;
};

async function seed(plan: Seed): Promise<void> {
  const teamId = plan.teamId ?? TEAM;
  const [row] = await database.db
    .insert(contentPlans)
    .values({
      teamId,
      number: plan.number,
      sourceKey: `seed:${plan.number}`,
      authorId: 'U0MIA',
      topic: `Plan ${plan.number}`,
      keyphrase: 'seeded',
      channels: plan.channels ?? ['blog'],
      postChannelId: 'C0MARKETING',
      channelIsPrivate: plan.isPrivate ?? false,
      settings: { approvers: plan.isPrivate ? [] : [AVERY] },
      status: plan.status,
      createdAt: plan.createdAt,
      approvedAt: plan.approvedAt ?? null,
      scheduledAt: plan.scheduledAt ?? null,
      deletedAt: plan.deleted ? at(-HOUR) : null,
    })
    .returning({ id: contentPlans.id });
  const planId = row!.id;
  if (plan.sentBack) await database.db.insert(auditLog).values({ teamId, planId, actorId: AVERY, action: plan.sentBack.action, createdAt: plan.sentBack.at });
  if (plan.deliveredAt) {
    await database.db.insert(publishAttempts).values({
      teamId,
      planId,
      revision: 0,
      destinationKey: 'slack',
      destinationName: '#marketing',
      destinationKind: 'slack_channel',
      state: 'delivered',
      deliveredAt: plan.deliveredAt,
    });
  }
}

/** A delivered item of plan `number` and its metric snapshots, oldest first (the last one is the latest). */
async function seedItem(number: number, kind: string, snapshots: MetricValues[], teamId = TEAM): Promise<void> {
  const [plan] = await database.db.select({ id: contentPlans.id }).from(contentPlans).where(and(eq(contentPlans.teamId, teamId), eq(contentPlans.number, number)));
  const [attempt] = await database.db
    .insert(publishAttempts)
    .values({ teamId, planId: plan!.id, revision: 0, destinationKey: `dest:${kind}`, destinationName: kind, destinationKind: kind, state: 'delivered', deliveredAt: at(-2 * DAY) })
    .returning({ id: publishAttempts.id });
  for (const [index, values] of snapshots.entries()) {
    await database.db.insert(metricSnapshots).values({ teamId, planId: plan!.id, attemptId: attempt!.id, values, collectedAt: at(-DAY + index * HOUR) });
  }
}

beforeAll(async () => {
  database = await createTestDatabase();
  await seed({ number: 1, status: 'published', createdAt: at(-10 * DAY), approvedAt: at(-10 * DAY + 2 * HOUR), channels: ['blog', 'linkedin'], deliveredAt: at(-9 * DAY) });
  await seed({ number: 2, status: 'approved', createdAt: at(-8 * DAY), approvedAt: at(-8 * DAY + 6 * HOUR), sentBack: { action: 'changes_requested', at: at(-8 * DAY + HOUR) } });
  await seed({ number: 3, status: 'scheduled', createdAt: at(-5 * DAY), approvedAt: at(-5 * DAY + 4 * HOUR), scheduledAt: at(2 * DAY), channels: ['blog', 'x_thread'] });
  await seed({ number: 4, status: 'rejected', createdAt: at(-3 * DAY), sentBack: { action: 'rejected', at: at(-3 * DAY + HOUR) } });
  await seed({ number: 5, status: 'in_review', createdAt: at(-2 * DAY) });
  // In a private channel: only its author, approvers (none named: admins) and admins see it.
  await seed({ number: 6, status: 'published', createdAt: at(-DAY - 10 * HOUR), approvedAt: at(-DAY), isPrivate: true, deliveredAt: at(-DAY + HOUR) });
  // Deleted: left out for everyone.
  await seed({ number: 7, status: 'published', createdAt: at(-4 * DAY), approvedAt: at(-4 * DAY + HOUR), deleted: true, deliveredAt: at(-4 * DAY + 2 * HOUR) });
  // Approved before the window.
  await seed({ number: 8, status: 'approved', createdAt: at(-40 * DAY), approvedAt: at(-39 * DAY) });
  // Scheduled in the coming week but short of approvals; another past the week; an old plan scheduled soon.
  await seed({ number: 9, status: 'scheduled', createdAt: at(-DAY), scheduledAt: at(2 * DAY + HOUR) });
  await seed({ number: 10, status: 'scheduled', createdAt: at(-DAY), scheduledAt: at(8 * DAY) });
  await seed({ number: 11, status: 'scheduled', createdAt: at(-40 * DAY), approvedAt: at(-39 * DAY), scheduledAt: at(3 * DAY) });
  await seed({ number: 1, teamId: OTHER_TEAM, status: 'published', createdAt: at(-DAY), approvedAt: at(-DAY + HOUR), deliveredAt: at(-DAY + 2 * HOUR) });
  await seedItem(1, 'x_thread', [
    { impressions: 10, likes: 1, reposts: 0, replies: 0 },
    { impressions: 900, likes: 40, reposts: 3, replies: 2 },
  ]);
  await seedItem(1, 'linkedin', [{ likes: null, comments: null }]);
  await seedItem(1, 'slack_channel', [{ reactions: 4 }]);
  await seedItem(6, 'mailchimp', [{}, { opens: 50, clicks: 7 }]);
  await seedItem(1, 'x_thread', [{ impressions: 99_999, likes: 999, reposts: 0, replies: 0 }], OTHER_TEAM);
});
afterAll(async () => database?.drop());

test('an admin sees every plan of the workspace but the deleted one', async () => {
  const view = await getTeamView(database.db, { teamId: TEAM, now: NOW, canSee: (plan) => canSeePlan({ plan, userId: 'U0ADMIN', isAdmin: true }) });
  // Approved in the window: #1 2 h, #3 4 h, #2 6 h, #6 10 h. Median (4 + 6) / 2 = 5 h; p90 rank 2.7 → 6 + 0.7·4 = 8.8 h.
  expect(view.approvalTime).toEqual({ plans: 4, medianMs: 5 * HOUR, p90Ms: Math.round(8.8 * HOUR) });
  // Decided: #1 #2 #3 #4 #6; #2 had changes requested and #4 was rejected.
  expect(view.firstPass).toEqual({ decided: 5, approvedFirstTime: 3 });
  // Reached review, created in the window: #1 #2 #3 #4 #5 #6 #9 #10; #2 took two rounds: 9 / 8.
  expect(view.revisions.plans).toBe(8);
  expect(view.revisions.average).toBeCloseTo(9 / 8, 10);
  expect(view.publishedPerChannel).toEqual([
    { channel: 'blog', plans: 2 },
    { channel: 'linkedin', plans: 1 },
  ]);
  expect(view.scheduled.map((day) => ({ day: day.day, plans: day.plans.map((plan) => plan.number) }))).toEqual([
    { day: '2025-07-02', plans: [3, 9] },
    { day: '2025-07-03', plans: [11] },
  ]);
  // Each item's latest snapshot; LinkedIn's unreadable numbers stay null, never 0.
  expect(view.engagement).toEqual({
    perChannel: [
      { kind: 'x_thread', items: 1, totals: { impressions: 900, likes: 40, reposts: 3, replies: 2 } },
      { kind: 'linkedin', items: 1, totals: { likes: null, comments: null } },
      { kind: 'mailchimp', items: 1, totals: { opens: 50, clicks: 7 } },
      { kind: 'slack_channel', items: 1, totals: { reactions: 4 } },
    ],
    topPosts: [
      { planNumber: 1, topic: 'Plan 1', interactions: 49 },
      { planNumber: 6, topic: 'Plan 6', interactions: 7 },
    ],
  });
});

test('an approver who is not an admin does not count the private channel’s plan', async () => {
  const view = await getTeamView(database.db, { teamId: TEAM, now: NOW, canSee: (plan) => canSeePlan({ plan, userId: AVERY, isAdmin: false }) });
  // #1 2 h, #3 4 h, #2 6 h: median 4 h; p90 rank 1.8 → 4 + 0.8·2 = 5.6 h.
  expect(view.approvalTime).toEqual({ plans: 3, medianMs: 4 * HOUR, p90Ms: Math.round(5.6 * HOUR) });
  expect(view.firstPass).toEqual({ decided: 4, approvedFirstTime: 2 });
  expect(view.revisions.plans).toBe(7);
  expect(view.revisions.average).toBeCloseTo(8 / 7, 10);
  expect(view.publishedPerChannel).toEqual([
    { channel: 'blog', plans: 1 },
    { channel: 'linkedin', plans: 1 },
  ]);
  expect(view.engagement.perChannel.map((row) => row.kind)).toEqual(['x_thread', 'linkedin', 'slack_channel']);
  expect(view.engagement.topPosts).toEqual([{ planNumber: 1, topic: 'Plan 1', interactions: 49 }]);
});

test('nothing visible gives empty figures, not errors', async () => {
  const view = await getTeamView(database.db, { teamId: TEAM, now: NOW, canSee: () => false });
  expect(view).toEqual({
    approvalTime: { plans: 0, medianMs: null, p90Ms: null },
    firstPass: { decided: 0, approvedFirstTime: 0 },
    revisions: { plans: 0, average: null },
    publishedPerChannel: [],
    scheduled: [],
    engagement: { perChannel: [], topPosts: [] },
  });
});
