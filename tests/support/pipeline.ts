import { expect } from 'vitest';
import type { Sql } from '../../src/db/client.ts';
import type { PlanStatus } from '../../src/domain/plan-states.ts';
import { PLAN_NOTICE_EVENT } from '../../src/jobs/plan-notices.ts';
import { planModalSubmissionView, type PlanFormAnswers } from './plan-modal-values.ts';
import { KEYPHRASE } from './scripted-author.ts';

export { COMPETITOR_PAGE, seedCompetitors } from './scripted-author.ts';
import { viewSubmissionBody, type SlackRequestBody } from './slack-requests.ts';
import type { TestApp } from './test-app.ts';

export const TEAM = 'T0FAKE0001';
export const AUTHOR = 'U0MIA';
export const PLAN_CHANNEL = 'C0MARKETING';

/** Anything that takes signed Slack requests: an app process, or a test app in this process. */
export type SlackRequestTarget = { send(request: SlackRequestBody): Promise<Response> };

/**
 * Submits the plan modal with its own view id (as Slack gives each opened modal) and returns
 * the plan it created, found by that view id, so concurrent submissions do not mix up.
 */
export async function submitPlanTo(
  target: SlackRequestTarget,
  sql: Sql,
  viewId: string,
  answers: PlanFormAnswers = {},
): Promise<{ id: string; number: number }> {
  const response = await target.send(
    viewSubmissionBody({
      teamId: TEAM,
      userId: AUTHOR,
      view: planModalSubmissionView(
        { keyphrase: KEYPHRASE, keywords: 'new hire checklist', topic: 'Remote onboarding for small teams', postChannel: PLAN_CHANNEL, ...answers },
        { viewId },
      ),
    }),
  );
  const text = await response.text();
  expect(response.status, text).toBe(200);
  expect(text).toBe('');
  // A process too busy to save the plan within 3 s acknowledges anyway (as Slack would time
  // out) and saves it a moment later; its first jobs are queued just after the ack.
  const deadline = Date.now() + 15_000;
  for (;;) {
    const [plan] = await sql<{ id: string; number: number; isStarted: boolean }[]>`
      select id, number, not exists (select 1 from plan_job_outbox where plan_id = content_plans.id) as "isStarted"
      from content_plans where team_id = ${TEAM} and source_key = ${`view:${viewId}`}`;
    if (plan?.isStarted) return { id: plan.id, number: plan.number };
    if (Date.now() > deadline) throw new Error(plan ? `plan #${plan.number} was saved but its first jobs were not queued` : `no plan was created for view ${viewId}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

let viewCounter = 0;

/** Submits the plan modal as Slack would and returns the new plan. */
export function submitPlan(t: TestApp, answers: PlanFormAnswers = {}): Promise<{ id: string; number: number }> {
  viewCounter += 1;
  return submitPlanTo(t, t.database.sql, `V0PIPE${process.pid}${viewCounter}`, answers);
}

/** `stage:iteration:count` for each stage a plan finished, so a test sees a stage done twice. */
export async function finishedStageCounts(sql: Sql, planId: string): Promise<string[]> {
  const rows = await sql<{ stage: string; iteration: number; n: number }[]>`
    select stage, iteration, count(*)::int as n from stage_runs
    where plan_id = ${planId} and status in ('succeeded', 'skipped') group by stage, iteration order by stage, iteration`;
  return rows.map((row) => `${row.stage}:${row.iteration}:${row.n}`);
}

export async function waitForStatus(t: TestApp, planId: string, status: PlanStatus, timeoutMs = 60_000): Promise<void> {
  await expect
    .poll(async () => (await t.database.sql`select status from content_plans where id = ${planId}`)[0]?.['status'], {
      timeout: timeoutMs,
      interval: 100,
    })
    .toBe(status);
}

/** Waits until no job for the plan is queued or running, so the last render has happened. */
export async function waitForQuiet(t: TestApp, planId: string, timeoutMs = 20_000): Promise<void> {
  await expect
    .poll(
      async () =>
        // A job due much later (a review reminder, a scheduled publish) is not work in progress.
        (await t.database.sql`select count(*)::int as n from graphile_worker._private_jobs
          where payload->>'planId' = ${planId} and run_at < now() + interval '1 minute'`)[0]?.['n'],
      { timeout: timeoutMs, interval: 100 },
    )
    .toBe(0);
}

export async function rootMessage(t: TestApp, planId: string) {
  const [plan] = await t.database.sql<{ message_channel_id: string; message_ts: string }[]>`
    select message_channel_id, message_ts from content_plans where id = ${planId}`;
  if (!plan) throw new Error('no plan');
  const message = t.slack.messages.get(plan.message_channel_id, plan.message_ts);
  if (!message) throw new Error('no root message');
  const thread = t.slack.messages.replies(plan.message_channel_id, plan.message_ts);
  return { message, replies: thread.filter((reply) => !isPlanNotice(reply)), notices: thread.filter(isPlanNotice), ts: plan.message_ts };
}

/** Notifications (the call for review, the author's notices) carry metadata that sets them apart from the plan's content replies. */
export function isPlanNotice(message: { metadata?: unknown } | { args: Record<string, unknown> }): boolean {
  const metadata = 'args' in message ? message.args['metadata'] : message.metadata;
  return (metadata as { event_type?: unknown } | undefined)?.event_type === PLAN_NOTICE_EVENT;
}
