import { sql, type SQL } from 'drizzle-orm';
import type { Database, Executor } from '../db/client.ts';
import { addJobSpecSql, addJobSql, type EnqueueOptions, type JobSpec } from '../db/jobs-sql.ts';
import type { Plan } from '../db/plans.ts';
import type { VariantChannelId } from '../domain/channels.ts';
import type { ChangeScope } from '../domain/plan-states.ts';

/** Every graphile-worker task the app runs. */
export const TASKS = {
  research: 'research_plan',
  draft: 'draft_plan',
  optimize: 'optimize_plan',
  variant: 'generate_variant',
  render: 'render_plan_message',
  revise: 'revise_plan',
  publish: 'publish_plan',
  refreshHome: 'refresh_home',
  collectReactions: 'collect_reactions',
  movePlanMessage: 'move_plan_message',
  postPlanMessage: 'post_plan_message',
  notices: 'send_plan_notices',
  reviewReminder: 'remind_reviewers',
  enqueueMetrics: 'enqueue_metric_collections',
  collectMetrics: 'collect_metrics',
  performanceReply: 'update_performance_reply',
  startWaitingPlans: 'start_waiting_plans',
} as const;

export type TaskName = (typeof TASKS)[keyof typeof TASKS];

/**
 * graphile-worker crontab: reactions every hour, for posts published in the last 7 days; every ten
 * minutes, a collection for each published item whose metrics are due (hourly, then daily); every
 * minute, the first jobs of plans that a stopped process saved but did not start.
 */
export const CRONTAB = [`0 * * * * ${TASKS.collectReactions}`, `*/10 * * * * ${TASKS.enqueueMetrics}`, `* * * * * ${TASKS.startWaitingPlans}`].join('\n');

/** Job keys make a repeated enqueue harmless; a retry number gives a retried stage a fresh key. */
export const jobKeys = {
  research: (planId: string, retry = 0, revision = 0) => (revision === 0 ? `plan:${planId}:research:${retry}` : `plan:${planId}:research:r${revision}:${retry}`),
  draft: (planId: string, revision: number, retry = 0) => `plan:${planId}:draft:${revision}:${retry}`,
  optimize: (planId: string, revision: number, iteration: number, retry = 0) => `plan:${planId}:optimize:${revision}:${iteration}:${retry}`,
  variant: (planId: string, revision: number, channel: VariantChannelId, retry = 0) => `plan:${planId}:variant:${revision}:${channel}:${retry}`,
  revise: (planId: string, revision: number) => `plan:${planId}:revise:${revision}`,
  /** Plans scheduled before times per destination had one publish job; its key is still removed. */
  publish: (planId: string) => `plan:${planId}:publish`,
  publishTo: (planId: string, destinationKey: string) => `plan:${planId}:publish:${destinationKey}`,
  render: (planId: string) => `plan:${planId}:render`,
  move: (planId: string) => `plan:${planId}:move`,
  post: (planId: string) => `plan:${planId}:post`,
  home: (teamId: string, userId: string) => `home:${teamId}:${userId}`,
  notices: (planId: string) => `plan:${planId}:notices`,
  reviewReminder: (planId: string, revision: number) => `plan:${planId}:review-reminder:${revision}`,
  metrics: (teamId: string, attemptId: number) => `metrics:${teamId}:${attemptId}`,
  performance: (planId: string) => `plan:${planId}:performance`,
};

/** Enqueues inside a transaction: the job exists only if the transaction that caused it commits. */
export async function enqueueInTransaction(tx: Executor, task: TaskName, payload: unknown, options?: EnqueueOptions): Promise<void> {
  await tx.execute(addJobSql(task, payload, options));
}

/** Enqueues outside any transaction; returns the job id, or null when a keyed job absorbed it. */
export type EnqueueJob = (task: TaskName, payload: unknown, options?: EnqueueOptions) => Promise<string | null>;

/** Enqueues through SQL, so web processes need no graphile-worker runner of their own. */
export function makeEnqueue(db: Database): EnqueueJob {
  return async (task, payload, options) => {
    const rows = await db.execute<{ id: string | null }>(addJobSql(task, payload, options));
    return rows[0]?.id ?? null;
  };
}

type PlanRef = Pick<Plan, 'id' | 'teamId' | 'revision'>;

/** A plan's research job, for a statement that saves the plan and starts it at once. */
export function researchJob(plan: Pick<Plan, 'id' | 'teamId'> & { revision?: number }, maxAttempts: number, retry = 0): JobSpec {
  const revision = plan.revision ?? 0;
  // Research of a later revision (after the brief was edited) says which revision it is for.
  const payload = revision === 0 ? { teamId: plan.teamId, planId: plan.id } : { teamId: plan.teamId, planId: plan.id, revision };
  return { task: TASKS.research, payload, options: { jobKey: jobKeys.research(plan.id, retry, revision), maxAttempts } };
}

/**
 * The job that posts a new plan's root message. Web processes only save the plan and answer Slack;
 * a worker posts the message, in the plan's render queue so no render overlaps it, and a crash before
 * the post leaves a job to retry instead of a plan without a message.
 */
export function postPlanMessageJob(plan: Pick<Plan, 'id' | 'teamId'>, { channelId, fallbackChannelId }: { channelId: string; fallbackChannelId: string | null }): JobSpec {
  return {
    task: TASKS.postPlanMessage,
    payload: { teamId: plan.teamId, planId: plan.id, channelId, fallbackChannelId },
    options: { jobKey: jobKeys.post(plan.id), queueName: jobKeys.render(plan.id), maxAttempts: 5 },
  };
}

/** The jobs that start a plan just saved: its research, and a worker's post of its message. */
export function newPlanJobs(
  plan: Pick<Plan, 'id' | 'teamId'>,
  { maxAttempts, channelId, fallbackChannelId }: { maxAttempts: number; channelId: string; fallbackChannelId: string | null },
): JobSpec[] {
  return [researchJob(plan, maxAttempts), postPlanMessageJob(plan, { channelId, fallbackChannelId })];
}

export async function enqueueResearch(tx: Executor, plan: PlanRef, maxAttempts: number, retry = 0) {
  await tx.execute(addJobSpecSql(researchJob(plan, maxAttempts, retry)));
}

export function enqueueDraft(tx: Executor, plan: PlanRef, maxAttempts: number, retry = 0) {
  return enqueueInTransaction(
    tx,
    TASKS.draft,
    { teamId: plan.teamId, planId: plan.id, revision: plan.revision },
    { jobKey: jobKeys.draft(plan.id, plan.revision, retry), maxAttempts },
  );
}

export function enqueueOptimize(tx: Executor, plan: PlanRef, iteration: number, maxAttempts: number, retry = 0) {
  return enqueueInTransaction(
    tx,
    TASKS.optimize,
    { teamId: plan.teamId, planId: plan.id, revision: plan.revision, iteration },
    { jobKey: jobKeys.optimize(plan.id, plan.revision, iteration, retry), maxAttempts },
  );
}

export async function enqueueVariants(tx: Executor, plan: PlanRef, channels: readonly VariantChannelId[], maxAttempts: number, retry = 0) {
  for (const channel of channels) {
    await enqueueInTransaction(
      tx,
      TASKS.variant,
      { teamId: plan.teamId, planId: plan.id, revision: plan.revision, channel },
      { jobKey: jobKeys.variant(plan.id, plan.revision, channel, retry), maxAttempts },
    );
  }
}

export function enqueueRevision(tx: Executor, plan: PlanRef, scope: ChangeScope, maxAttempts: number) {
  return enqueueInTransaction(
    tx,
    TASKS.revise,
    { teamId: plan.teamId, planId: plan.id, revision: plan.revision, scope },
    { jobKey: jobKeys.revise(plan.id, plan.revision), maxAttempts },
  );
}

/**
 * One publish job per destination, each at its own time (now when none is given); a new time
 * replaces the pending one. A job that is running keeps going and the new one waits for its time.
 */
export async function enqueuePublish(
  tx: Executor,
  plan: PlanRef,
  destinations: readonly { key: string; at?: Date | undefined }[],
  maxAttempts: number,
): Promise<void> {
  for (const { key, at } of destinations) {
    await enqueueInTransaction(
      tx,
      TASKS.publish,
      { teamId: plan.teamId, planId: plan.id, revision: plan.revision, destinationKey: key },
      {
        jobKey: jobKeys.publishTo(plan.id, key),
        jobKeyMode: 'replace',
        ...(at ? { runAt: at } : {}),
        maxAttempts,
        // A job replaced while it runs leaves it running; one queue per destination keeps the two from overlapping.
        queueName: jobKeys.publishTo(plan.id, key),
      },
    );
  }
}

/** Removes every publish job of the plan that no worker has started. */
export async function removePublishJobs(tx: Executor, planId: string): Promise<void> {
  const single = jobKeys.publish(planId);
  await tx.execute(sql`
    select graphile_worker.remove_job(key) from graphile_worker._private_jobs
    where key = ${single} or key like ${`${single}:%`}`);
}

/** Fails every job of a workspace that no worker has started, with the reason given; returns how many. */
export async function cancelQueuedJobsOf(tx: Executor, teamId: string, reason: string): Promise<number> {
  const cancelled = await tx.execute<{ id: string }>(sql`
    select id from graphile_worker.permanently_fail_jobs(
      array(select id from graphile_worker._private_jobs where payload->>'teamId' = ${teamId} and locked_at is null),
      ${reason}
    )`);
  return cancelled.length;
}

/** The tasks that move a plan forward (and its review reminder): what cancelling or editing it stops. Renders and Home refreshes stay. */
const PLAN_WORK_TASKS: readonly TaskName[] = [TASKS.research, TASKS.draft, TASKS.optimize, TASKS.variant, TASKS.revise, TASKS.publish, TASKS.reviewReminder];

/**
 * Removes a plan's pipeline and publish jobs that no worker has started; returns how many. A job
 * already running finishes, and its result is refused because the plan moved on.
 */
export async function removePendingJobsOfPlan(tx: Executor, { teamId, planId }: { teamId: string; planId: string }): Promise<number> {
  const removed = await tx.execute<{ id: string }>(sql`
    select id from graphile_worker.complete_jobs(array(
      select jobs.id from graphile_worker._private_jobs as jobs
      join graphile_worker._private_tasks as tasks on tasks.id = jobs.task_id
      where jobs.payload->>'teamId' = ${teamId} and jobs.payload->>'planId' = ${planId} and jobs.locked_at is null
        and tasks.identifier in (${sql.join(
          PLAN_WORK_TASKS.map((task) => sql`${task}`),
          sql`, `,
        )})
    ))`);
  return removed.length;
}

type Requester = { enqueue: EnqueueJob; now: () => Date };

/** Collapsed bursts render at most about once a second per plan. */
export const RENDER_DELAY_MS = 1_000;

/**
 * Asks for a render of the plan's message. Requests collapse into the pending one, which keeps its
 * earlier time; `isRetryAfter` instead moves it to the time Slack asked us to wait for.
 */
export function requestRender(deps: Requester, teamId: string, planId: string, delayMs = RENDER_DELAY_MS, { isRetryAfter = false } = {}) {
  return deps.enqueue(
    TASKS.render,
    { teamId, planId },
    {
      jobKey: jobKeys.render(planId),
      jobKeyMode: isRetryAfter ? 'replace' : 'preserve_run_at',
      runAt: new Date(deps.now().getTime() + delayMs),
      // One queue per plan: renders of a plan never overlap, so a reply is never posted twice.
      queueName: jobKeys.render(planId),
      maxAttempts: 10,
    },
  );
}

/**
 * Moves the plan's message to another channel (after its brief named a new one). It runs in the
 * plan's render queue, so no render of the old message overlaps the move.
 */
export function requestPlanMove(deps: Requester, { teamId, planId, channelId, actorId }: { teamId: string; planId: string; channelId: string; actorId: string }) {
  return deps.enqueue(
    TASKS.movePlanMessage,
    { teamId, planId, channelId, actorId },
    { jobKey: jobKeys.move(planId), jobKeyMode: 'replace', queueName: jobKeys.render(planId), maxAttempts: 5 },
  );
}

const REFRESH_HOME_DELAY_MS = 2_000;

/** Home refreshes are keyed per person and delayed a little, so bursts collapse like renders. */
export function requestHomeRefresh(deps: Requester, teamId: string, userId: string) {
  return deps.enqueue(
    TASKS.refreshHome,
    { teamId, userId },
    { jobKey: jobKeys.home(teamId, userId), jobKeyMode: 'preserve_run_at', runAt: new Date(deps.now().getTime() + REFRESH_HOME_DELAY_MS), maxAttempts: 3 },
  );
}

/** Notices run after renders, one at a time per plan; a burst of requests collapses into one job. */
export function requestPlanNotices(deps: Requester, teamId: string, planId: string) {
  return deps.enqueue(
    TASKS.notices,
    { teamId, planId },
    { jobKey: jobKeys.notices(planId), jobKeyMode: 'preserve_run_at', runAt: deps.now(), queueName: jobKeys.notices(planId), maxAttempts: 10 },
  );
}

/** One reminder per plan revision in review, at `runAt`; asking again keeps the first time. */
export function scheduleReviewReminder(deps: Requester, { teamId, planId, revision }: { teamId: string; planId: string; revision: number }, runAt: Date) {
  return deps.enqueue(
    TASKS.reviewReminder,
    { teamId, planId, revision },
    { jobKey: jobKeys.reviewReminder(planId, revision), jobKeyMode: 'preserve_run_at', runAt, maxAttempts: 5 },
  );
}

/**
 * One pending collection per published item: enqueuing it again while it waits changes nothing. It
 * runs at once (the database's clock), since the cron already decided it is due.
 */
export function requestMetricsCollection(deps: Pick<Requester, 'enqueue'>, { teamId, attemptId }: { teamId: string; attemptId: number }) {
  return deps.enqueue(TASKS.collectMetrics, { teamId, attemptId }, { jobKey: jobKeys.metrics(teamId, attemptId), jobKeyMode: 'preserve_run_at', maxAttempts: 3 });
}

/**
 * Rewrites the plan's Performance reply; one queue per plan, so two collections finishing together
 * never post the reply twice.
 */
export function requestPerformanceReply(deps: Pick<Requester, 'enqueue'>, { teamId, planId }: { teamId: string; planId: string }) {
  return deps.enqueue(
    TASKS.performanceReply,
    { teamId, planId },
    { jobKey: jobKeys.performance(planId), jobKeyMode: 'preserve_run_at', queueName: jobKeys.render(planId), maxAttempts: 10 },
  );
}
