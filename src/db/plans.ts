import { createHash } from 'node:crypto';
import { and, desc, eq, inArray, isNull, sql, type SQL } from 'drizzle-orm';
import { AppError } from '../errors.ts';
import { INITIAL_PLAN_STATUS, type PlanStatus } from '../domain/plan-states.ts';
import { preparedPerDatabase, type Database, type Executor } from './client.ts';
import { addJobsFromOutboxSql, jobSpecsRows, type JobSpec } from './jobs-sql.ts';
import { settingsFromJson, workspaceSettingsJsonSql, type WorkspaceSettings } from './settings.ts';
import { contentPlans, planCounters, planJobOutbox } from './schema.ts';

export type Plan = typeof contentPlans.$inferSelect;
/** What a submitted form gives a new plan; the rest is the new plan's defaults. */
export type NewPlanFields = Pick<
  typeof contentPlans.$inferSelect,
  'authorId' | 'topic' | 'keyphrase' | 'keywords' | 'audience' | 'tone' | 'channels' | 'competitorUrls' | 'brief' | 'skipResearch' | 'postChannelId' | 'settings'
>;

/** One submission of the plan form, as `createPlan` and `makePlanSaver` take it. */
export type PlanRequest = {
  teamId: string;
  sourceKey: string;
  /** The plan's fields, given the workspace's settings (read in the statement that numbers the plan). */
  fields: (settings: WorkspaceSettings) => NewPlanFields;
  firstJobs: (plan: { id: string; teamId: string }) => JobSpec[];
  hourlyLimit: number;
  now: Date;
};
export type CreatedPlan = { plan: Pick<Plan, 'id' | 'number'>; isNew: boolean };

/**
 * Saves a plan, its audit row and its first jobs, which wait in the outbox until `startPlans` adds
 * them to the queue. A second call with the same sourceKey (a retried or duplicated submission)
 * returns the first plan instead.
 *
 * Two statements, both built once per process, neither holding a lock across a round trip to the
 * app: the first numbers the plan and applies the hourly limit in one atomic update of the
 * workspace's counter row (so simultaneous submissions cannot slip past the limit, and a refused or
 * repeated one takes no number); the second saves the plan, its audit row and its jobs together. If
 * the second fails, its number stays unused. The plan's id comes from its workspace and sourceKey
 * (`planIdFor`), so the first statement finds a repeat by primary key.
 */
export async function createPlan(db: Database, request: PlanRequest): Promise<CreatedPlan> {
  const { teamId, sourceKey, hourlyLimit, now } = request;
  const numbered = await numberPlans(db, { teamId, ids: [planIdFor(teamId, sourceKey)], hourlyLimit, now });
  if (!numbered) return existingOrRateLimited(db, { teamId, sourceKey, hourlyLimit, now });
  try {
    // savePlans answers for every request or throws.
    return (await savePlans(db, [request], numbered))[0]!;
  } catch (error) {
    const raced = isUniqueViolation(error) ? await findPlanBySourceKey(db, teamId, sourceKey) : undefined;
    if (raced) return { plan: raced, isNew: false };
    throw error;
  }
}

/**
 * Creates the plans of several submissions to one workspace, which `createPlan` would create one by
 * one, with the same two statements as one. Resolves once they are numbered, to their save: all of
 * them are numbered, or none is and it resolves to undefined (one is a repeat, or together they would
 * pass the hourly limit), and the caller then creates each with `createPlan`. The requests share the
 * first one's workspace, hourly limit and time, and have distinct sourceKeys.
 */
export async function createPlans(db: Database, requests: readonly [PlanRequest, ...PlanRequest[]]): Promise<{ saved: Promise<CreatedPlan[]> } | undefined> {
  const { teamId, hourlyLimit, now } = requests[0];
  const numbered = await numberPlans(db, { teamId, ids: requests.map((request) => planIdFor(teamId, request.sourceKey)), hourlyLimit, now });
  return numbered && { saved: savePlans(db, requests, numbered) };
}

type NumberedPlans = { teamId: string; ids: readonly string[]; firstNumber: number; settings: WorkspaceSettings };

async function numberPlans(
  db: Database,
  { teamId, ids, hourlyLimit, now }: { teamId: string; ids: readonly string[]; hourlyLimit: number; now: Date },
): Promise<NumberedPlans | undefined> {
  const minute = unixMinute(now);
  const [counter] = await takePlanNumbers(db).execute({ ids, count: ids.length, teamId, hourlyLimit, minute: String(minute), oldestMinute: minute - WINDOW_MINUTES + 1 });
  return counter && { teamId, ids, firstNumber: counter.lastNumber - ids.length + 1, settings: settingsFromJson(teamId, counter.settings) };
}

async function savePlans(db: Database, requests: readonly PlanRequest[], { teamId, ids, firstNumber, settings }: NumberedPlans): Promise<CreatedPlan[]> {
  const rows = requests.map((request, index) => {
    const id = ids[index]!;
    const plan: SubmittedPlan = { ...request.fields(settings), id, teamId, sourceKey: request.sourceKey, number: firstNumber + index };
    const row: Record<string, unknown> = { [OUTBOX_JOBS]: jobSpecsRows(request.firstJobs({ id, teamId })) };
    for (const key of SUBMITTED_COLUMNS) row[contentPlans[key].name] = plan[key];
    return row;
  });
  const saved = await savePlanRows(db).execute({ plans: JSON.stringify(rows) });
  const byId = new Map(saved.map((plan) => [plan.id, plan]));
  return ids.map((id) => {
    const plan = byId.get(id);
    if (!plan) throw new AppError('INTERNAL', 'could not save the plan');
    return { plan, isNew: true };
  });
}

const placeholder = sql.placeholder;

/**
 * The id of the plan made from `sourceKey` in a workspace: a name-based UUID (version 5, RFC 9562),
 * the same for every repeat of one submission.
 */
export function planIdFor(teamId: string, sourceKey: string): string {
  const hash = createHash('sha1').update(PLAN_ID_NAMESPACE).update(`${teamId}\n${sourceKey}`).digest();
  hash[6] = (hash[6]! & 0x0f) | 0x50;
  hash[8] = (hash[8]! & 0x3f) | 0x80;
  const hex = hash.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/** The namespace of plan ids: a random UUID fixed once for this app, as its 16 bytes. */
const PLAN_ID_NAMESPACE = Buffer.from('5c1e0b7a8f3d4e2b9a6c0d1e2f3a4b5c', 'hex');

/**
 * The workspace's next `count` plan numbers, taken only while the plans of `ids` fit in the hourly
 * limit (`hourlyLimit` plans in this minute and the 59 before it) and none of them is saved yet. The
 * check and the increment are one statement on the counter row: a racing submission waits for the
 * row and is then judged on its new contents. The window is kept as counts per minute, so the locked
 * update is as cheap with a limit of 10,000 as with 30.
 *
 * The row stays locked until the commit, so the update commits without waiting for its WAL to reach
 * the disk (synchronous_commit off, for this transaction only): a burst of one workspace's
 * submissions is then about five times faster. Nothing is lost that was promised: the save that
 * follows commits synchronously, and flushing its commit flushes this earlier one too, so a saved
 * plan's number is always durable. A crash in between loses only numbers no plan used.
 */
const takePlanNumbers = preparedPerDatabase((db) => {
  const count = sql`${placeholder('count')}::int`;
  const inWindow = sql`${placeholder('oldestMinute')}::bigint <= key::bigint`;
  const keptMinutes = sql`(select coalesce(jsonb_object_agg(key, value), '{}'::jsonb) from jsonb_each(${planCounters.startsPerMinute}) where ${inWindow})`;
  const startsInWindow = sql`(select coalesce(sum(value::int), 0) from jsonb_each_text(${planCounters.startsPerMinute}) where ${inWindow})`;
  const thisMinute = sql`${placeholder('minute')}::text`;
  // By primary key, the one index on the id: by (team_id, source_key), a database whose statistics
  // were never gathered could plan it on (team_id, created_at) and read all of the workspace's plans.
  const isRepeated = sql`exists (select 1 from ${contentPlans} where ${contentPlans.id} = any(${placeholder('ids')}::uuid[]))`;
  return db
    .insert(planCounters)
    .select(sql`select ${placeholder('teamId')}::text, ${count}, jsonb_build_object(${thisMinute}, ${count}) where ${count} <= ${placeholder('hourlyLimit')}::int and not ${isRepeated}`)
    .onConflictDoUpdate({
      target: planCounters.teamId,
      set: {
        lastNumber: sql`${planCounters.lastNumber} + ${count}`,
        startsPerMinute: sql`${keptMinutes} || jsonb_build_object(${thisMinute}, coalesce((${planCounters.startsPerMinute} ->> ${thisMinute})::int, 0) + ${count})`,
      },
      setWhere: sql`${startsInWindow} + ${count} <= ${placeholder('hourlyLimit')}::int`,
    })
    .returning({
      lastNumber: planCounters.lastNumber,
      settings: workspaceSettingsJsonSql(sql`${placeholder('teamId')}`),
      commitsWithoutWaiting: sql<string>`set_config('synchronous_commit', 'off', true)`,
    })
    .prepare('take_plan_numbers');
});

const WINDOW_MINUTES = 60;

function unixMinute(at: Date): number {
  return Math.floor(at.getTime() / 60_000);
}

/** Plans counted in the hourly window that ends in the minute of `now`. */
export function startsInLastHour(startsPerMinute: Record<string, number>, now: Date): number {
  const oldest = unixMinute(now) - WINDOW_MINUTES + 1;
  return Object.entries(startsPerMinute).reduce((sum, [minute, starts]) => (Number(minute) >= oldest ? sum + starts : sum), 0);
}

/** The columns a new plan gets from its submission; the others take their defaults. */
const SUBMITTED_COLUMNS = [
  'id',
  'teamId',
  'sourceKey',
  'number',
  'authorId',
  'topic',
  'keyphrase',
  'keywords',
  'audience',
  'tone',
  'channels',
  'competitorUrls',
  'brief',
  'skipResearch',
  'postChannelId',
  'settings',
] as const satisfies readonly (keyof NewPlanFields | 'id' | 'teamId' | 'sourceKey' | 'number')[];
type SubmittedPlan = Pick<Plan, (typeof SUBMITTED_COLUMNS)[number]>;
/** The key of a plan's first jobs (`jobSpecsRows`) in the rows `savePlanRows` reads. */
const OUTBOX_JOBS = 'outbox_jobs';

/**
 * The plans given as one JSON array of rows (column name → value), their `plan_created` audit rows
 * and their first jobs in the outbox, in one statement. New plans start in the status the column
 * defaults to, `INITIAL_PLAN_STATUS`.
 */
const savePlanRows = preparedPerDatabase((db) => {
  const columns = SUBMITTED_COLUMNS.map((key) => contentPlans[key]);
  const names = sql.join(
    columns.map((column) => sql.identifier(column.name)),
    sql`, `,
  );
  const rowType = sql.raw([...columns.map((column) => `${column.name} ${column.getSQLType()}`), `${OUTBOX_JOBS} jsonb`].join(', '));
  const input = db.$with('input', { id: sql<string>`id`.as('id') }).as(sql`select * from jsonb_to_recordset(${placeholder('plans')}::jsonb) as input(${rowType})`);
  const newPlans = db.$with('new_plans', { id: sql<string>`id`.as('id'), number: sql<number>`number`.as('number') }).as(sql`
    insert into ${contentPlans} (${names}) select ${names} from input
    returning id, number, team_id, author_id, topic, channels`);
  const audit = db.$with('new_audit', { auditId: sql<number>`audit_id`.as('audit_id') }).as(sql`
    insert into audit_log (team_id, plan_id, actor_id, action, details)
    select team_id, id, author_id, 'plan_created', jsonb_build_object('number', number, 'topic', topic, 'channels', channels) from new_plans
    returning id as audit_id`);
  const outbox = db.$with('new_outbox', { outboxPlanId: sql<string>`outbox_plan_id`.as('outbox_plan_id') }).as(sql`
    insert into ${planJobOutbox} (plan_id, jobs) select id, ${sql.identifier(OUTBOX_JOBS)} from input
    returning plan_id as outbox_plan_id`);
  // A data-modifying WITH query runs to completion whether or not the main query reads it.
  return db.with(input, newPlans, audit, outbox).select({ id: newPlans.id, number: newPlans.number }).from(newPlans).prepare('save_plans');
});

/**
 * Adds the first jobs of the plans in the outbox to the queue, with one `add_jobs` call for them
 * all, and empties their outbox rows: those of `planIds`, or those saved before `savedBefore` (left by
 * a process that stopped first). A plan cancelled or deleted in the meantime gets none. Two callers
 * cannot start the same plan: each row is deleted once. Returns how many jobs were added.
 */
export async function startPlans(db: Executor, which: { planIds: readonly string[] } | { savedBefore: Date }): Promise<number> {
  const outboxRows =
    'planIds' in which
      ? sql`${planJobOutbox.planId} = any(${`{${which.planIds.join(',')}}`}::uuid[])`
      : sql`${planJobOutbox.createdAt} < ${which.savedBefore.toISOString()}::timestamptz`;
  const rows = await db.execute<{ added: number }>(sql`
    with taken as (delete from ${planJobOutbox} where ${outboxRows} returning plan_id, jobs),
    startable as (
      select taken.jobs from taken join ${contentPlans} on ${contentPlans.id} = taken.plan_id
      where ${contentPlans.status} = ${INITIAL_PLAN_STATUS} and ${contentPlans.deletedAt} is null
    )
    ${addJobsFromOutboxSql(sql`startable`)}`);
  return rows[0]?.added ?? 0;
}

/** Why the counter gave no number: the same submission came before, or the hourly limit is reached. */
async function existingOrRateLimited(
  db: Executor,
  { teamId, sourceKey, hourlyLimit, now }: { teamId: string; sourceKey: string; hourlyLimit: number; now: Date },
): Promise<{ plan: Plan; isNew: false }> {
  const existing = await findPlanBySourceKey(db, teamId, sourceKey);
  if (existing) return { plan: existing, isNew: false };
  const [row] = await db.select({ startsPerMinute: planCounters.startsPerMinute }).from(planCounters).where(eq(planCounters.teamId, teamId));
  const recent = startsInLastHour(row?.startsPerMinute ?? {}, now);
  throw new AppError('RATE_LIMITED', `This workspace has started ${recent} plans in the last hour, the most allowed (${hourlyLimit}).`);
}

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

/** `isAwaitingApproval` of the plan kernel, in SQL. */
function awaitingApprovalSql(): SQL {
  return sql`(${contentPlans.status} = 'in_review' or (${contentPlans.status} = 'scheduled' and ${contentPlans.approvedAt} is null))`;
}

export const PLAN_LIST_FILTERS = ['mine', 'review', 'scheduled', 'published', 'failed'] as const;
export type PlanListFilter = (typeof PLAN_LIST_FILTERS)[number];

const STATUS_FILTERS: Record<Exclude<PlanListFilter, 'mine' | 'review'>, PlanStatus> = { scheduled: 'scheduled', published: 'published', failed: 'failed' };

/**
 * The workspace's plans, newest first, not deleted: all of them, `userId`'s own (`mine`), those
 * waiting for approval (`review`: in review, or scheduled but short of approvals) or those in one
 * status. `/content list` and the App Home read them; visibility is the caller's.
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
