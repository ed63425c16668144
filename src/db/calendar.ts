import { and, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { Executor } from './client.ts';
import { contentPlans } from './schema.ts';
import type { Plan } from './plans.ts';

/** One destination of one plan on the calendar: due to publish (`scheduled`) or delivered (`published`). */
export type CalendarEntry = {
  planId: string;
  kind: 'scheduled' | 'published';
  destinationKey: string;
  /** Empty for a plan scheduled before times per destination: the plan's one time covers them all. */
  destinationName: string;
  at: Date;
  /** Where a delivered item can be read, when its destination gave a link. */
  url: string | null;
};

export type CalendarData = { entries: CalendarEntry[]; plans: Plan[]; titles: Map<string, string> };

/** A bound on each kind of entry read for one page; a page with more says so instead of showing them all. */
export const CALENDAR_ENTRY_LIMIT = 1000;

/**
 * The calendar entries in [from, to), for the workspace's plans that are not deleted: each scheduled
 * destination time of a plan still scheduled or publishing (unless that destination already delivered
 * on the current revision), and each delivered publication. Visibility is the caller's.
 */
export async function getCalendar(db: Executor, { teamId, from, to }: { teamId: string; from: Date; to: Date }): Promise<CalendarData> {
  // Raw SQL takes timestamps as text.
  const start = sql`${from.toISOString()}::timestamptz`;
  const end = sql`${to.toISOString()}::timestamptz`;
  const scheduled = await db.execute<{ plan_id: string; key: string; name: string; at: string }>(sql`
    with times as (
      select p.id as plan_id, p.revision, t->>'key' as key, t->>'name' as name, (t->>'at')::timestamptz as at
      from content_plans p cross join lateral jsonb_array_elements(p.publish_times) as t
      where p.team_id = ${teamId} and p.deleted_at is null and p.status in ('scheduled', 'publishing')
      union all
      select p.id, p.revision, '', '', p.scheduled_at
      from content_plans p
      where p.team_id = ${teamId} and p.deleted_at is null and p.status in ('scheduled', 'publishing')
        and jsonb_array_length(p.publish_times) = 0 and p.scheduled_at is not null
    )
    select plan_id, key, name, at::text as at from times
    where at >= ${start} and at < ${end}
      and not exists (select 1 from publish_attempts a where a.team_id = ${teamId} and a.plan_id = times.plan_id
                      and a.revision = times.revision and a.destination_key = times.key and a.state = 'delivered')
    order by at, plan_id
    limit ${CALENDAR_ENTRY_LIMIT}`);
  const published = await db.execute<{ plan_id: string; key: string; name: string; at: string; url: string | null }>(sql`
    select a.plan_id, a.destination_key as key, a.destination_name as name, a.delivered_at::text as at, a.url
    from publish_attempts a join content_plans p on p.id = a.plan_id and p.team_id = a.team_id
    where a.team_id = ${teamId} and p.deleted_at is null and a.state = 'delivered'
      and a.delivered_at >= ${start} and a.delivered_at < ${end}
    order by a.delivered_at, a.plan_id
    limit ${CALENDAR_ENTRY_LIMIT}`);

  const entries: CalendarEntry[] = [
    ...scheduled.map((row) => ({ planId: row.plan_id, kind: 'scheduled' as const, destinationKey: row.key, destinationName: row.name, at: new Date(row.at), url: null })),
    ...published.map((row) => ({ planId: row.plan_id, kind: 'published' as const, destinationKey: row.key, destinationName: row.name, at: new Date(row.at), url: row.url })),
  ];
  const ids = [...new Set(entries.map((entry) => entry.planId))];
  if (ids.length === 0) return { entries, plans: [], titles: new Map() };
  const plans = await db
    .select()
    .from(contentPlans)
    .where(and(eq(contentPlans.teamId, teamId), isNull(contentPlans.deletedAt), inArray(contentPlans.id, ids)));
  const titles = await db.execute<{ plan_id: string; title: string }>(sql`
    select distinct on (plan_id) plan_id, title from content_items
    where team_id = ${teamId} and plan_id = any(${`{${ids.join(',')}}`}::uuid[]) and is_current
    order by plan_id, revision desc, version desc`);
  return { entries, plans, titles: new Map(titles.map((row) => [row.plan_id, row.title])) };
}
