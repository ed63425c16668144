import { randomUUID } from 'node:crypto';
import { and, desc, eq, isNull, or, sql, type SQL } from 'drizzle-orm';
import { AppError } from '../errors.ts';
import { INITIAL_PLAN_STATUS } from '../domain/plan-states.ts';
import type { Database, Executor } from './client.ts';
import { contentPlans, planCounters } from './schema.ts';

export type Plan = typeof contentPlans.$inferSelect;
export type NewPlanFields = Omit<
  typeof contentPlans.$inferInsert,
  'id' | 'teamId' | 'number' | 'sourceKey' | 'status' | 'createdAt' | 'updatedAt'
>;

/**
 * Saves a plan, its audit row and its first job in one transaction of two statements. A second
 * call with the same sourceKey (a retried or duplicated submission) returns the first plan instead.
 *
 * The workspace's counter row is locked by the first statement and held only through the second:
 * it numbers the plan and serialises the workspace's submissions, so the hourly limit, counted in
 * the second statement (whose snapshot is taken after the lock), cannot be passed by racing ones.
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
  const id = randomUUID();
  try {
    const plan = await db.transaction(async (tx) => {
      const [counter] = await tx
        .insert(planCounters)
        .values({ teamId, lastNumber: 1 })
        .onConflictDoUpdate({ target: planCounters.teamId, set: { lastNumber: sql`${planCounters.lastNumber} + 1` } })
        .returning();
      if (!counter) throw new AppError('INTERNAL', 'could not number the plan');
      const newPlan = tx.$with('new_plan').as(
        tx
          .insert(contentPlans)
          .values({ ...fields, id, teamId, sourceKey, number: counter.lastNumber, status: INITIAL_PLAN_STATUS })
          .returning(),
      );
      const audit = tx.$with('new_audit', { auditId: sql<number>`audit_id`.as('audit_id') }).as(sql`
        insert into audit_log (team_id, plan_id, actor_id, action, details)
        select team_id, id, author_id, 'plan_created', jsonb_build_object('number', number, 'topic', topic, 'channels', channels) from new_plan
        returning id as audit_id`);
      const job = tx.$with('new_job', { jobId: sql<string | null>`job_id`.as('job_id') }).as(sql`select (${firstJob({ id, teamId })}) as job_id`);
      const recent = tx.$with('recent', { count: sql<number>`recent_count`.as('recent_count') }).as(sql`
        select count(*)::int as recent_count from content_plans
        where team_id = ${teamId} and created_at >= ${new Date(now.getTime() - HOUR_MS).toISOString()}::timestamptz`);
      const [saved] = await tx
        .with(newPlan, audit, job, recent)
        .select({ plan: newPlan._.selectedFields, recent: recent.count })
        .from(newPlan)
        .crossJoin(audit)
        .crossJoin(job)
        .crossJoin(recent);
      if (!saved) throw new AppError('INTERNAL', 'could not save the plan');
      if (saved.recent >= hourlyLimit) {
        throw new AppError('RATE_LIMITED', `This workspace has started ${saved.recent} plans in the last hour, the most allowed (${hourlyLimit}).`);
      }
      return saved.plan as Plan;
    });
    return { plan, isNew: true };
  } catch (error) {
    const raced = isUniqueViolation(error) ? await findPlanBySourceKey(db, teamId, sourceKey) : undefined;
    if (raced) return { plan: raced, isNew: false };
    throw error;
  }
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
  const filters = [eq(contentPlans.teamId, teamId)];
  if (authorId) filters.push(eq(contentPlans.authorId, authorId));
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
      and(
        eq(contentPlans.teamId, teamId),
        or(eq(contentPlans.status, 'in_review'), and(eq(contentPlans.status, 'scheduled'), isNull(contentPlans.approvedAt))),
      ),
    )
    .orderBy(desc(contentPlans.createdAt))
    .limit(limit);
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
