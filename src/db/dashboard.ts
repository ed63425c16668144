import { and, count, desc, eq, gte, isNotNull, isNull, sql } from 'drizzle-orm';
import { PLAN_STATUSES, STAGES, type PlanStatus } from '../domain/plan-states.ts';
import type { Executor } from './client.ts';
import { contentPlans, publishAttempts, refinements, stageRuns } from './schema.ts';

/** The admin dashboard's figures; the Home tab's Block Kit is built from this alone. */
export type Dashboard = {
  byStatus: { status: PlanStatus; count: number }[];
  seo: { plans: number; averageBefore: number | null; averageAfter: number | null };
  revisionsPerPlan: { revisions: number; plans: number }[];
  stageTimes: { stage: string; medianMs: number; p95Ms: number; runs: number }[];
  tokens: { input: number; output: number; estimatedCost: number; pricePer1k: number };
  failures: { planId: string; number: number; topic: string; stage: string | null; reason: string; at: Date }[];
  publications: { number: number; topic: string; destination: string; url: string | null; at: Date }[];
};

const DAY_MS = 24 * 60 * 60 * 1000;
const LIST_LIMIT = 10; // as many as the Home shows
const UNKNOWN_FAILURE = 'Something went wrong.';

/**
 * A workspace's figures over the `days` before `now`. Plans count when created in the window,
 * stage runs when started in it, failures when they failed (updated_at) in it and publications
 * when delivered in it. Stage times are percentile_cont in SQL: linear interpolation between
 * the two nearest durations, at rank p·(n−1) of the sorted list, rounded to whole milliseconds.
 */
export async function getDashboard(
  db: Executor,
  { teamId, now, days = 30, pricePer1k }: { teamId: string; now: Date; days?: number; pricePer1k: number },
): Promise<Dashboard> {
  const since = new Date(now.getTime() - days * DAY_MS);
  // Deleted plans leave the figures about plans; the tokens and stage times they used stay, as they were spent.
  const plansInWindow = and(eq(contentPlans.teamId, teamId), gte(contentPlans.createdAt, since), isNull(contentPlans.deletedAt));
  const runsInWindow = and(eq(stageRuns.teamId, teamId), gte(stageRuns.startedAt, since));

  const statusRows = db
    .select({ status: contentPlans.status, count: count() })
    .from(contentPlans)
    .where(plansInWindow)
    .groupBy(contentPlans.status);

  const seoRows = db
    .select({
      plans: count(),
      averageBefore: sql<string | null>`round(avg(${contentPlans.initialSeoScore}), 1)`,
      averageAfter: sql<string | null>`round(avg(${contentPlans.seoScore}), 1)`,
    })
    .from(contentPlans)
    .where(and(plansInWindow, isNotNull(contentPlans.initialSeoScore), isNotNull(contentPlans.seoScore)));

  // A plan counts once optimisation began on its current revision (a revise resets the score).
  const refinementsPerPlan = db
    .select({ revisions: sql<number>`count(${refinements.id})::int`.as('revisions') })
    .from(contentPlans)
    .leftJoin(
      refinements,
      and(
        eq(refinements.teamId, contentPlans.teamId),
        eq(refinements.planId, contentPlans.id),
        eq(refinements.revision, contentPlans.revision),
      ),
    )
    .where(plansInWindow)
    .groupBy(contentPlans.id)
    .having(sql`${contentPlans.initialSeoScore} is not null or count(${refinements.id}) > 0`)
    .as('per_plan');
  const revisionRows = db
    .select({ revisions: refinementsPerPlan.revisions, plans: count() })
    .from(refinementsPerPlan)
    .groupBy(refinementsPerPlan.revisions)
    .orderBy(refinementsPerPlan.revisions);

  const stageGroup = sql<string>`case when ${stageRuns.stage} like 'variant:%' then 'variants' else ${stageRuns.stage} end`;
  const durationMs = sql`extract(epoch from ${stageRuns.finishedAt} - ${stageRuns.startedAt}) * 1000`;
  const stageRows = db
    .select({
      stage: stageGroup,
      medianMs: sql<number>`percentile_cont(0.5) within group (order by ${durationMs})`.mapWith(Number),
      p95Ms: sql<number>`percentile_cont(0.95) within group (order by ${durationMs})`.mapWith(Number),
      runs: count(),
    })
    .from(stageRuns)
    .where(and(runsInWindow, eq(stageRuns.status, 'succeeded'), isNotNull(stageRuns.finishedAt)))
    .groupBy(stageGroup);

  const tokenRows = db
    .select({
      input: sql<number>`coalesce(sum(${stageRuns.tokensIn}), 0)`.mapWith(Number),
      output: sql<number>`coalesce(sum(${stageRuns.tokensOut}), 0)`.mapWith(Number),
    })
    .from(stageRuns)
    .where(runsInWindow);

  const failureRows = db
    .select({
      planId: contentPlans.id,
      number: contentPlans.number,
      topic: contentPlans.topic,
      stage: contentPlans.failedStage,
      reason: contentPlans.error,
      at: contentPlans.updatedAt,
    })
    .from(contentPlans)
    .where(and(eq(contentPlans.teamId, teamId), eq(contentPlans.status, 'failed'), gte(contentPlans.updatedAt, since), isNull(contentPlans.deletedAt)))
    .orderBy(desc(contentPlans.updatedAt), desc(contentPlans.number))
    .limit(LIST_LIMIT);

  const publicationRows = db
    .select({
      number: contentPlans.number,
      topic: contentPlans.topic,
      destination: publishAttempts.destinationName,
      url: publishAttempts.url,
      at: publishAttempts.deliveredAt,
    })
    .from(publishAttempts)
    .innerJoin(contentPlans, and(eq(contentPlans.teamId, publishAttempts.teamId), eq(contentPlans.id, publishAttempts.planId)))
    .where(
      and(
        eq(publishAttempts.teamId, teamId),
        eq(publishAttempts.state, 'delivered'),
        isNull(contentPlans.deletedAt),
        isNotNull(publishAttempts.deliveredAt),
        gte(publishAttempts.deliveredAt, since),
      ),
    )
    .orderBy(desc(publishAttempts.deliveredAt), desc(publishAttempts.id))
    .limit(LIST_LIMIT);

  const [statuses, [seo], revisions, stages, [tokens], failures, publications] = await Promise.all([
    statusRows,
    seoRows,
    revisionRows,
    stageRows,
    tokenRows,
    failureRows,
    publicationRows,
  ]);

  const input = tokens?.input ?? 0;
  const output = tokens?.output ?? 0;
  return {
    byStatus: statuses.sort((a, b) => b.count - a.count || statusOrder(a.status) - statusOrder(b.status)),
    seo: {
      plans: seo?.plans ?? 0,
      averageBefore: toNumberOrNull(seo?.averageBefore),
      averageAfter: toNumberOrNull(seo?.averageAfter),
    },
    revisionsPerPlan: revisions,
    stageTimes: stages
      .map((row) => ({ stage: row.stage, medianMs: Math.round(row.medianMs), p95Ms: Math.round(row.p95Ms), runs: row.runs }))
      .sort((a, b) => stageOrder(a.stage) - stageOrder(b.stage) || a.stage.localeCompare(b.stage)),
    tokens: { input, output, estimatedCost: Math.round(((input + output) * pricePer1k) / 10) / 100, pricePer1k },
    failures: failures.map((row) => ({ ...row, reason: row.reason ?? UNKNOWN_FAILURE })),
    publications: publications.flatMap((row) => (row.at ? [{ ...row, at: row.at }] : [])),
  };
}

function statusOrder(status: PlanStatus): number {
  return PLAN_STATUSES.indexOf(status);
}

/** Pipeline order; a stage name this code does not know goes last. */
function stageOrder(stage: string): number {
  const index = (STAGES as readonly string[]).indexOf(stage);
  return index === -1 ? STAGES.length : index;
}

function toNumberOrNull(value: string | null | undefined): number | null {
  return value === null || value === undefined ? null : Number(value);
}
