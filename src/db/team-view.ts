import { sql } from 'drizzle-orm';
import { summarizeEngagement, type EngagementSummary, type MetricValues } from '../domain/metrics.ts';
import type { VisiblePlanFacts } from '../domain/plan-visibility.ts';
import type { Executor } from './client.ts';

/** The content team's last 30 days and coming week, for approvers and admins on the Home. */
export type TeamView = {
  /** Plans approved in the window: hours from submission (the plan's creation) to approval. */
  approvalTime: { plans: number; medianMs: number | null; p90Ms: number | null };
  /** Of plans with a decision in the window, those approved with no change requested and no rejection. */
  firstPass: { decided: number; approvedFirstTime: number };
  /** Review rounds per plan that reached review in the window (1 = approved or decided as first written). */
  revisions: { plans: number; average: number | null };
  /** Plans with a delivered publication in the window, per content channel of the plan. */
  publishedPerChannel: { channel: string; plans: number }[];
  /** Scheduled plans in the next 7 days, per UTC day (`YYYY-MM-DD`), with the first few of each day. */
  scheduled: { day: string; plans: { number: number; topic: string; at: Date }[] }[];
  /** What items delivered in the window earned at their latest collection: per destination kind, and the top 5 plans. */
  engagement: EngagementSummary;
};

const DAY_MS = 24 * 60 * 60 * 1000;
/** Statuses a plan only has once it has been in review. */
const REVIEWED_STATUSES = ['in_review', 'approved', 'rejected', 'changes_requested', 'scheduled', 'publishing', 'partially_published', 'published', 'expired'];

type Candidate = VisiblePlanFacts & { id: string };

/**
 * The team view over the plans `canSee` allows, not deleted: those created in the `days` before
 * `now` and those scheduled in the 7 days after it. Percentiles are percentile_cont (linear
 * interpolation at rank p·(n−1)).
 */
export async function getTeamView(
  db: Executor,
  { teamId, now, days = 30, canSee }: { teamId: string; now: Date; days?: number; canSee: (plan: Candidate) => boolean },
): Promise<TeamView> {
  // Raw SQL takes timestamps as text.
  const since = sql`${new Date(now.getTime() - days * DAY_MS).toISOString()}::timestamptz`;
  const weekEnd = sql`${new Date(now.getTime() + 7 * DAY_MS).toISOString()}::timestamptz`;
  const start = sql`${now.toISOString()}::timestamptz`;
  const candidates = await db.execute<{ id: string; author_id: string; channel_is_private: boolean | null; settings: unknown }>(sql`
    select id, author_id, channel_is_private, settings from content_plans
    where team_id = ${teamId} and deleted_at is null
      and (created_at >= ${since} or approved_at >= ${since} or (status = 'scheduled' and scheduled_at >= ${start} and scheduled_at < ${weekEnd}))`);
  const ids = candidates
    .filter((row) => canSee({ id: row.id, authorId: row.author_id, channelIsPrivate: row.channel_is_private, settings: row.settings }))
    .map((row) => row.id);
  const visible = sql`p.team_id = ${teamId} and p.id = any(${`{${ids.join(',')}}`}::uuid[])`;

  const [approval] = await db.execute<{ plans: number; median_ms: number | null; p90_ms: number | null }>(sql`
    select count(*)::int as plans,
      percentile_cont(0.5) within group (order by extract(epoch from p.approved_at - p.created_at) * 1000) as median_ms,
      percentile_cont(0.9) within group (order by extract(epoch from p.approved_at - p.created_at) * 1000) as p90_ms
    from content_plans p where ${visible} and p.approved_at >= ${since}`);

  const [firstPass] = await db.execute<{ decided: number; approved_first_time: number }>(sql`
    with decided as (
      select p.id, p.approved_at,
        exists (select 1 from audit_log a where a.team_id = p.team_id and a.plan_id = p.id and a.action in ('changes_requested', 'rejected')) as was_sent_back
      from content_plans p
      where ${visible}
        and (p.approved_at >= ${since}
          or exists (select 1 from audit_log a where a.team_id = p.team_id and a.plan_id = p.id
                     and a.action in ('changes_requested', 'rejected') and a.created_at >= ${since}))
    )
    select count(*)::int as decided, count(*) filter (where approved_at is not null and not was_sent_back)::int as approved_first_time from decided`);

  const [revisions] = await db.execute<{ plans: number; average: number | null }>(sql`
    select count(*)::int as plans, avg(
      1 + (select count(*) from audit_log a where a.team_id = p.team_id and a.plan_id = p.id and a.action = 'changes_requested')
    )::float8 as average
    from content_plans p
    where ${visible} and p.created_at >= ${since}
      and (p.status in (${sql.join(
        REVIEWED_STATUSES.map((status) => sql`${status}`),
        sql`, `,
      )}) or p.approved_at is not null)`);

  const published = await db.execute<{ channel: string; plans: number }>(sql`
    select channel, count(distinct p.id)::int as plans
    from content_plans p
    cross join lateral unnest(p.channels) as channel
    where ${visible}
      and exists (select 1 from publish_attempts a where a.team_id = p.team_id and a.plan_id = p.id
                  and a.state = 'delivered' and a.delivered_at >= ${since})
    group by channel order by plans desc, channel`);

  const scheduled = await db.execute<{ number: number; topic: string; scheduled_at: Date | string }>(sql`
    select p.number, p.topic, p.scheduled_at from content_plans p
    where ${visible} and p.status = 'scheduled' and p.scheduled_at >= ${start} and p.scheduled_at < ${weekEnd}
    order by p.scheduled_at, p.number`);

  const engagement = await db.execute<{ number: number; topic: string; kind: string; values: MetricValues }>(sql`
    select p.number, p.topic, a.destination_kind as kind, latest.values
    from publish_attempts a
    join content_plans p on p.team_id = a.team_id and p.id = a.plan_id
    cross join lateral (
      select s.values from metric_snapshots s where s.team_id = a.team_id and s.attempt_id = a.id order by s.collected_at desc, s.id desc limit 1
    ) latest
    where ${visible} and a.state = 'delivered' and a.delivered_at >= ${since}`);

  return {
    engagement: summarizeEngagement(engagement.map((row) => ({ planNumber: row.number, topic: row.topic, kind: row.kind, values: row.values }))),
    approvalTime: { plans: approval?.plans ?? 0, medianMs: roundOrNull(approval?.median_ms), p90Ms: roundOrNull(approval?.p90_ms) },
    firstPass: { decided: firstPass?.decided ?? 0, approvedFirstTime: firstPass?.approved_first_time ?? 0 },
    revisions: { plans: revisions?.plans ?? 0, average: revisions?.average === null || revisions?.average === undefined ? null : Number(revisions.average) },
    publishedPerChannel: published.map((row) => ({ channel: row.channel, plans: row.plans })),
    scheduled: groupByDay(scheduled.map((row) => ({ number: row.number, topic: row.topic, at: new Date(row.scheduled_at) }))),
  };
}

function groupByDay(plans: { number: number; topic: string; at: Date }[]): TeamView['scheduled'] {
  const days = new Map<string, { number: number; topic: string; at: Date }[]>();
  for (const plan of plans) {
    const day = plan.at.toISOString().slice(0, 10);
    days.set(day, [...(days.get(day) ?? []), plan]);
  }
  return [...days].map(([day, dayPlans]) => ({ day, plans: dayPlans }));
}

function roundOrNull(value: number | string | null | undefined): number | null {
  return value === null || value === undefined ? null : Math.round(Number(value));
}
