import { and, asc, desc, eq, gte, inArray, sql } from 'drizzle-orm';
import { METRICS_BY_KIND, type MetricValues } from '../domain/metrics.ts';
import { COLLECT_FOR_MS } from '../domain/metrics-schedule.ts';
import type { Executor } from './client.ts';
import type { PublishAttempt } from './publish-attempts.ts';
import { metricSnapshots, publishAttempts, xThreadPosts } from './schema.ts';

export type { PublishAttempt };
export type MetricSnapshot = typeof metricSnapshots.$inferSelect;

const METRIC_KINDS = Object.keys(METRICS_BY_KIND);

/**
 * Delivered items that bring metrics back, published in the last 30 days, with their last collection,
 * in every workspace: the cron that enqueues collections is a system job; each collection is per team.
 */
export async function listMetricCandidates(db: Executor, now: Date): Promise<{ teamId: string; attemptId: number; deliveredAt: Date; lastCollectedAt: Date | null }[]> {
  const since = new Date(now.getTime() - COLLECT_FOR_MS);
  const rows = await db
    .select({
      teamId: publishAttempts.teamId,
      attemptId: publishAttempts.id,
      deliveredAt: publishAttempts.deliveredAt,
      lastCollectedAt: sql<string | null>`(select max(s.collected_at) from metric_snapshots s where s.team_id = ${publishAttempts.teamId} and s.attempt_id = ${publishAttempts.id})`,
    })
    .from(publishAttempts)
    .where(
      and(
        eq(publishAttempts.state, 'delivered'),
        inArray(publishAttempts.destinationKind, METRIC_KINDS),
        gte(publishAttempts.deliveredAt, since),
        // A deleted plan's numbers are no longer shown anywhere, so they are not read either.
        sql`not exists (select 1 from content_plans p where p.team_id = ${publishAttempts.teamId} and p.id = ${publishAttempts.planId} and p.deleted_at is not null)`,
      ),
    );
  return rows.map((row) => ({ teamId: row.teamId, attemptId: row.attemptId, deliveredAt: row.deliveredAt!, lastCollectedAt: row.lastCollectedAt === null ? null : new Date(row.lastCollectedAt) }));
}

export async function findDeliveredAttempt(db: Executor, teamId: string, attemptId: number): Promise<PublishAttempt | undefined> {
  const [row] = await db
    .select()
    .from(publishAttempts)
    .where(and(eq(publishAttempts.teamId, teamId), eq(publishAttempts.id, attemptId), eq(publishAttempts.state, 'delivered')));
  return row;
}

/** The tweet ids of an X thread, in order. */
export async function listThreadTweetIds(db: Executor, teamId: string, idempotencyKey: string): Promise<string[]> {
  const rows = await db
    .select({ tweetId: xThreadPosts.tweetId })
    .from(xThreadPosts)
    .where(and(eq(xThreadPosts.teamId, teamId), eq(xThreadPosts.idempotencyKey, idempotencyKey)))
    .orderBy(asc(xThreadPosts.position));
  return rows.map((row) => row.tweetId);
}

export async function saveMetricSnapshot(
  db: Executor,
  snapshot: { teamId: string; planId: string; attemptId: number; values: MetricValues; note: string | null; collectedAt: Date },
): Promise<void> {
  await db.insert(metricSnapshots).values(snapshot);
}

export type PlanMetrics = { attempt: PublishAttempt; snapshot: MetricSnapshot };

/** The latest snapshot of each of the plan's delivered items that has one. */
export async function latestPlanMetrics(db: Executor, teamId: string, planId: string): Promise<PlanMetrics[]> {
  const rows = await db
    .selectDistinctOn([metricSnapshots.attemptId], { snapshot: metricSnapshots, attempt: publishAttempts })
    .from(metricSnapshots)
    .innerJoin(publishAttempts, and(eq(publishAttempts.teamId, metricSnapshots.teamId), eq(publishAttempts.id, metricSnapshots.attemptId)))
    .where(and(eq(metricSnapshots.teamId, teamId), eq(metricSnapshots.planId, planId)))
    .orderBy(metricSnapshots.attemptId, desc(metricSnapshots.collectedAt), desc(metricSnapshots.id));
  return rows.sort((a, b) => a.attempt.destinationName.localeCompare(b.attempt.destinationName));
}

/** When the item's metrics were last read; null before the first collection. */
export async function lastCollectedAt(db: Executor, teamId: string, attemptId: number): Promise<Date | null> {
  const [row] = await db
    .select({ at: metricSnapshots.collectedAt })
    .from(metricSnapshots)
    .where(and(eq(metricSnapshots.teamId, teamId), eq(metricSnapshots.attemptId, attemptId)))
    .orderBy(desc(metricSnapshots.collectedAt))
    .limit(1);
  return row?.at ?? null;
}
