import { and, desc, eq, gte, inArray, sql } from 'drizzle-orm';
import { AppError } from '../errors.ts';
import type { PlanStatus } from '../domain/plan-states.ts';
import type { Database, Executor } from './client.ts';
import { auditLog, contentPlans, planCounters } from './schema.ts';

export type Plan = typeof contentPlans.$inferSelect;
export type NewPlanFields = Omit<
  typeof contentPlans.$inferInsert,
  'id' | 'teamId' | 'number' | 'sourceKey' | 'status' | 'createdAt' | 'updatedAt'
>;

/**
 * Saves a plan, its audit row and its first job in one transaction. A second call with the
 * same sourceKey (a retried or duplicated submission) returns the first plan instead.
 */
export async function createPlan(
  db: Database,
  {
    teamId,
    sourceKey,
    fields,
    enqueueFirstJob,
    hourlyLimit,
    now,
  }: {
    teamId: string;
    sourceKey: string;
    fields: NewPlanFields;
    enqueueFirstJob: (tx: Executor, plan: Plan) => Promise<unknown>;
    hourlyLimit: number;
    now: Date;
  },
): Promise<{ plan: Plan; isNew: boolean }> {
  const existing = await findPlanBySourceKey(db, teamId, sourceKey);
  if (existing) return { plan: existing, isNew: false };
  try {
    const plan = await db.transaction(async (tx) => {
      // Taking the next number locks the workspace's counter row, so the hourly limit below is
      // counted by one submission at a time and simultaneous ones cannot slip past it.
      const [counter] = await tx
        .insert(planCounters)
        .values({ teamId, lastNumber: 1 })
        .onConflictDoUpdate({ target: planCounters.teamId, set: { lastNumber: sql`${planCounters.lastNumber} + 1` } })
        .returning();
      if (!counter) throw new AppError('INTERNAL', 'could not number the plan');
      const recent = await countPlansSince(tx, teamId, new Date(now.getTime() - HOUR_MS));
      if (recent >= hourlyLimit) {
        throw new AppError('RATE_LIMITED', `This workspace has started ${recent} plans in the last hour, the most allowed (${hourlyLimit}).`);
      }
      const [created] = await tx
        .insert(contentPlans)
        .values({ ...fields, teamId, sourceKey, number: counter.lastNumber, status: 'queued' })
        .returning();
      if (!created) throw new AppError('INTERNAL', 'could not save the plan');
      await tx.insert(auditLog).values({
        teamId,
        planId: created.id,
        actorId: created.authorId,
        action: 'plan_created',
        details: { number: created.number, topic: created.topic, channels: created.channels },
      });
      await enqueueFirstJob(tx, created);
      return created;
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

/**
 * Moves a plan to `to` only if it is still in one of `from`, so racing workers, double clicks
 * and Slack retries apply a change once. Returns the updated plan, or undefined when it lost.
 */
export async function transitionPlan(
  db: Executor,
  {
    teamId,
    planId,
    from,
    to,
    patch = {},
  }: { teamId: string; planId: string; from: readonly PlanStatus[]; to: PlanStatus; patch?: Partial<typeof contentPlans.$inferInsert> },
): Promise<Plan | undefined> {
  const [plan] = await db
    .update(contentPlans)
    .set({ ...patch, status: to, updatedAt: new Date() })
    .where(and(eq(contentPlans.teamId, teamId), eq(contentPlans.id, planId), inArray(contentPlans.status, [...from])))
    .returning();
  return plan;
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

/** Plans a workspace created since `since`, for the per-workspace creation limit. */
export async function countPlansSince(db: Executor, teamId: string, since: Date): Promise<number> {
  const [row] = await db
    .select({ count: sql<number>`count(*)::int` })
    .from(contentPlans)
    .where(and(eq(contentPlans.teamId, teamId), gte(contentPlans.createdAt, since)));
  return row?.count ?? 0;
}

export function isUuid(value: string): boolean {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value);
}

function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: string; cause?: { code?: string } } | undefined)?.code ?? (error as { cause?: { code?: string } })?.cause?.code;
  return code === '23505';
}
