import { randomUUID } from 'node:crypto';
import { and, desc, eq, inArray, isNull, sql, type SQL } from 'drizzle-orm';
import { AppError } from '../errors.ts';
import { INITIAL_PLAN_STATUS, type PlanStatus } from '../domain/plan-states.ts';
import type { Database, Executor } from './client.ts';
import { contentPlans, planCounters } from './schema.ts';

export type Plan = typeof contentPlans.$inferSelect;
export type NewPlanFields = Omit<
  typeof contentPlans.$inferInsert,
  'id' | 'teamId' | 'number' | 'sourceKey' | 'status' | 'createdAt' | 'updatedAt'
>;

/**
 * Saves a plan, its audit row and its first job. A second call with the same sourceKey (a retried
 * or duplicated submission) returns the first plan instead.
 *
 * Two statements, neither holding a lock across a round trip to the app: the first numbers the plan
 * and applies the hourly limit in one atomic update of the workspace's counter row (so simultaneous
 * submissions cannot slip past the limit, and a refused one takes no number); the second saves the
 * plan, its audit row and its first job together. If the second fails, its number stays unused.
 */
export async function createPlan(
  db: Database,
  {
    teamId,
    sourceKey,
    fields,
    firstJob,
    hourlyLimit,
    now,
  }: {
    teamId: string;
    sourceKey: string;
    fields: NewPlanFields;
    /** SQL that enqueues the plan's first job and selects its id. */
    firstJob: (plan: { id: string; teamId: string }) => SQL;
    hourlyLimit: number;
    now: Date;
  },
): Promise<{ plan: Plan; isNew: boolean }> {
  const existing = await findPlanBySourceKey(db, teamId, sourceKey);
  if (existing) return { plan: existing, isNew: false };
  const number = await takePlanNumber(db, { teamId, hourlyLimit, now });
  const id = randomUUID();
  try {
    const newPlan = db.$with('new_plan').as(
      db
        .insert(contentPlans)
        .values({ ...fields, id, teamId, sourceKey, number, status: INITIAL_PLAN_STATUS })
        .returning(),
    );
    const audit = db.$with('new_audit', { auditId: sql<number>`audit_id`.as('audit_id') }).as(sql`
      insert into audit_log (team_id, plan_id, actor_id, action, details)
      select team_id, id, author_id, 'plan_created', jsonb_build_object('number', number, 'topic', topic, 'channels', channels) from new_plan
      returning id as audit_id`);
    const job = db.$with('new_job', { jobId: sql<string | null>`job_id`.as('job_id') }).as(sql`select (${firstJob({ id, teamId })}) as job_id`);
    const [saved] = await db.with(newPlan, audit, job).select({ plan: newPlan._.selectedFields }).from(newPlan).crossJoin(audit).crossJoin(job);
    if (!saved) throw new AppError('INTERNAL', 'could not save the plan');
    return { plan: saved.plan, isNew: true };
  } catch (error) {
    const raced = isUniqueViolation(error) ? await findPlanBySourceKey(db, teamId, sourceKey) : undefined;
    if (raced) return { plan: raced, isNew: false };
    throw error;
  }
}

/**
 * The workspace's next plan number, taken only while fewer than `hourlyLimit` plans were started in
 * the hour before `now`. The check and the increment are one statement on the counter row: a racing
 * submission waits for the row and is then judged on its new contents.
 */
async function takePlanNumber(db: Executor, { teamId, hourlyLimit, now }: { teamId: string; hourlyLimit: number; now: Date }): Promise<number> {
  const since = new Date(now.getTime() - HOUR_MS).toISOString();
  const at = now.toISOString();
  const lastHour = sql`array(select started from unnest(${planCounters.recentStarts}) as started where started > ${since}::timestamptz)`;
  const [counter] = await db
    .insert(planCounters)
    .values({ teamId, lastNumber: 1, recentStarts: sql`array[${at}::timestamptz]` })
    .onConflictDoUpdate({
      target: planCounters.teamId,
      set: { lastNumber: sql`${planCounters.lastNumber} + 1`, recentStarts: sql`${lastHour} || ${at}::timestamptz` },
      setWhere: sql`cardinality(${lastHour}) < ${hourlyLimit}`,
    })
    .returning({ number: planCounters.lastNumber });
  if (counter) return counter.number;
  const [row] = await db.select({ recentStarts: planCounters.recentStarts }).from(planCounters).where(eq(planCounters.teamId, teamId));
  const recent = (row?.recentStarts ?? []).filter((started) => started.getTime() > now.getTime() - HOUR_MS).length;
  throw new AppError('RATE_LIMITED', `This workspace has started ${recent} plans in the last hour, the most allowed (${hourlyLimit}).`);
}

const HOUR_MS = 60 * 60 * 1000;

export async function findPlanBySourceKey(db: Executor, teamId: string, sourceKey: string): Promise<Plan | undefined> {
  const [plan] = await db
    .select()
    .from(contentPlans)
    .where(and(eq(contentPlans.teamId, teamId), eq(contentPlans.sourceKey, sourceKey)));
  return plan;
}

export async function findPlan(db: Executor, teamId: string, planId: string): Promise<Plan | undefined> {
  if (!isUuid(planId)) return undefined;
  const [plan] = await db
    .select()
    .from(contentPlans)
    .where(and(eq(contentPlans.teamId, teamId), eq(contentPlans.id, planId)));
  return plan;
}

export async function findPlanByNumber(db: Executor, teamId: string, number: number): Promise<Plan | undefined> {
  const [plan] = await db
    .select()
    .from(contentPlans)
    .where(and(eq(contentPlans.teamId, teamId), eq(contentPlans.number, number)));
  return plan;
}

export async function listRecentPlans(
  db: Executor,
  teamId: string,
  { limit = 10, authorId }: { limit?: number; authorId?: string } = {},
): Promise<Plan[]> {
  const filters = [eq(contentPlans.teamId, teamId), isNull(contentPlans.deletedAt)];
  if (authorId) filters.push(eq(contentPlans.authorId, authorId));
  return db
    .select()
    .from(contentPlans)
    .where(and(...filters))
    .orderBy(desc(contentPlans.createdAt), desc(contentPlans.number))
    .limit(limit);
}

/** `isAwaitingApproval` of the plan kernel, in SQL. */
function awaitingApprovalSql(): SQL {
  return sql`(${contentPlans.status} = 'in_review' or (${contentPlans.status} = 'scheduled' and ${contentPlans.approvedAt} is null))`;
}

export const PLAN_LIST_FILTERS = ['mine', 'review', 'scheduled', 'published', 'failed'] as const;
export type PlanListFilter = (typeof PLAN_LIST_FILTERS)[number];

const STATUS_FILTERS: Record<Exclude<PlanListFilter, 'mine' | 'review'>, PlanStatus> = { scheduled: 'scheduled', published: 'published', failed: 'failed' };

/**
 * The workspace's plans for `/content list`, newest first, not deleted: all of them, `userId`'s own
 * (`mine`), those waiting for approval (`review`) or those in one status. Visibility is the caller's.
 */
export async function listPlansFiltered(
  db: Executor,
  { teamId, filter, userId, limit }: { teamId: string; filter: PlanListFilter | null; userId: string; limit: number },
): Promise<Plan[]> {
  const filters = [eq(contentPlans.teamId, teamId), isNull(contentPlans.deletedAt)];
  if (filter === 'mine') filters.push(eq(contentPlans.authorId, userId));
  else if (filter === 'review') filters.push(awaitingApprovalSql());
  else if (filter !== null) filters.push(inArray(contentPlans.status, [STATUS_FILTERS[filter]]));
  return db
    .select()
    .from(contentPlans)
    .where(and(...filters))
    .orderBy(desc(contentPlans.createdAt), desc(contentPlans.number))
    .limit(limit);
}

/** Plans in review, or scheduled but still short of approvals, newest first. */
export async function listPlansAwaitingApproval(db: Executor, teamId: string, limit: number): Promise<Plan[]> {
  return db
    .select()
    .from(contentPlans)
    .where(
      and(eq(contentPlans.teamId, teamId), isNull(contentPlans.deletedAt), awaitingApprovalSql()),
    )
    .orderBy(desc(contentPlans.createdAt))
    .limit(limit);
}

/** Records whether the plan's channel is private (null: Slack could not say, which counts as private). */
export async function setPlanChannelPrivacy(db: Executor, { teamId, planId, isPrivate }: { teamId: string; planId: string; isPrivate: boolean | null }): Promise<void> {
  await db
    .update(contentPlans)
    .set({ channelIsPrivate: isPrivate })
    .where(and(eq(contentPlans.teamId, teamId), eq(contentPlans.id, planId)));
}

/** Records where the plan's root message lives, once. */
export async function setPlanMessage(
  db: Executor,
  {
    teamId,
    planId,
    channelId,
    ts,
    permalink,
  }: { teamId: string; planId: string; channelId: string; ts: string; permalink: string | null },
): Promise<boolean> {
  const rows = await db
    .update(contentPlans)
    .set({ messageChannelId: channelId, messageTs: ts, messagePermalink: permalink, updatedAt: new Date() })
    .where(and(eq(contentPlans.teamId, teamId), eq(contentPlans.id, planId), sql`${contentPlans.messageTs} is null`))
    .returning({ id: contentPlans.id });
  return rows.length === 1;
}

/** After the brief moved the plan to another channel: its message now lives there. */
export async function movePlanMessage(
  db: Executor,
  { teamId, planId, channelId, ts, permalink }: { teamId: string; planId: string; channelId: string; ts: string; permalink: string | null },
): Promise<void> {
  await db
    .update(contentPlans)
    .set({ postChannelId: channelId, messageChannelId: channelId, messageTs: ts, messagePermalink: permalink, updatedAt: new Date() })
    .where(and(eq(contentPlans.teamId, teamId), eq(contentPlans.id, planId)));
}

/** Hides the plan from every list; its rows and audit log stay. Returns false when it was already deleted. */
export async function markPlanDeleted(db: Executor, { teamId, planId, now }: { teamId: string; planId: string; now: Date }): Promise<boolean> {
  const rows = await db
    .update(contentPlans)
    .set({ deletedAt: now, updatedAt: now })
    .where(and(eq(contentPlans.teamId, teamId), eq(contentPlans.id, planId), isNull(contentPlans.deletedAt)))
    .returning({ id: contentPlans.id });
  return rows.length === 1;
}

/** Locks the plan row until the transaction ends, so fan-in decisions see every sibling's writes. */
export async function lockPlan(tx: Executor, teamId: string, planId: string): Promise<Plan | undefined> {
  const [plan] = await tx
    .select()
    .from(contentPlans)
    .where(and(eq(contentPlans.teamId, teamId), eq(contentPlans.id, planId)))
    .for('update');
  return plan;
}

export async function updatePlanScores(
  db: Executor,
  { teamId, planId, patch }: { teamId: string; planId: string; patch: Pick<Partial<Plan>, 'seoScore' | 'initialSeoScore' | 'readabilityScore'> },
): Promise<void> {
  await db
    .update(contentPlans)
    .set({ ...patch, updatedAt: new Date() })
    .where(and(eq(contentPlans.teamId, teamId), eq(contentPlans.id, planId)));
}

export function isUuid(value: string): boolean {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value);
}

function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: string; cause?: { code?: string } } | undefined)?.code ?? (error as { cause?: { code?: string } })?.cause?.code;
  return code === '23505';
}
