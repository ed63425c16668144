import { expect } from 'vitest';
import type { PlanStatus } from '../../src/orchestrator/plan-status.ts';
import { planModalSubmissionView, type PlanFormAnswers } from './plan-modal-values.ts';
import { KEYPHRASE } from './scripted-author.ts';

export { COMPETITOR_PAGE, seedCompetitors } from './scripted-author.ts';
import { viewSubmissionBody } from './slack-requests.ts';
import type { TestApp } from './test-app.ts';

export const TEAM = 'T0FAKE0001';
export const AUTHOR = 'U0MIA';
export const PLAN_CHANNEL = 'C0MARKETING';

let viewCounter = 0;

/** Submits the plan modal as Slack would and returns the new plan's id. */
export async function submitPlan(t: TestApp, answers: PlanFormAnswers = {}): Promise<{ id: string; number: number }> {
  viewCounter += 1;
  const before = await t.database.sql<{ id: string }[]>`select id from content_plans`;
  const response = await t.send(
    viewSubmissionBody({
      teamId: TEAM,
      userId: AUTHOR,
      view: planModalSubmissionView(
        { keyphrase: KEYPHRASE, keywords: 'new hire checklist', topic: 'Remote onboarding for small teams', postChannel: PLAN_CHANNEL, ...answers },
        { viewId: `V0PIPE${process.pid}${viewCounter}` },
      ),
    }),
  );
  expect(response.status).toBe(200);
  expect(await response.text()).toBe('');
  const known = new Set(before.map((row) => row.id));
  const rows = await t.database.sql<{ id: string; number: number }[]>`select id, number from content_plans order by created_at`;
  const created = rows.find((row) => !known.has(row.id));
  if (!created) throw new Error('no plan was created');
  return created;
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
        (await t.database.sql`select count(*)::int as n from graphile_worker._private_jobs where payload->>'planId' = ${planId}`)[0]?.['n'],
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
  return { message, replies: t.slack.messages.replies(plan.message_channel_id, plan.message_ts), ts: plan.message_ts };
}
