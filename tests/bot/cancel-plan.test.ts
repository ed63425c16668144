import { afterAll, beforeAll, expect, test } from 'vitest';
import { chooseFromMenu } from '../support/manage.ts';
import { AUTHOR, rootMessage, seedCompetitors, submitPlan, waitForQuiet, waitForStatus } from '../support/pipeline.ts';
import { setReviewSettings } from '../support/review.ts';
import { GOOD_DRAFT, scriptAuthor } from '../support/scripted-author.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

const ADMIN = 'U0ADMIN';
const STRANGER = 'U0STRANGER';

let t: TestApp;

beforeAll(async () => {
  // Slow model calls keep the plan running long enough to cancel it mid-pipeline.
  t = await startTestApp({ env: { LOG_LEVEL: 'warn' }, openaiLatencyMs: 1_500 });
  seedCompetitors(t.firecrawl);
  scriptAuthor(t.openai, { drafts: [GOOD_DRAFT] });
  t.slack.users.set(ADMIN, { is_admin: true });
  t.slack.users.set(STRANGER, { is_admin: false });
  await setReviewSettings(t, { approvers: ['U0AVERY'] });
});
afterAll(async () => t?.close());

async function pendingWorkOf(planId: string): Promise<string[]> {
  const rows = await t.database.sql<{ identifier: string }[]>`
    select tasks.identifier from graphile_worker._private_jobs as jobs
    join graphile_worker._private_tasks as tasks on tasks.id = jobs.task_id
    where jobs.payload->>'planId' = ${planId}`;
  return rows.map((row) => row.identifier);
}

test('cancel stops a running plan: no job of it stays queued, nothing more runs, and its message says who cancelled', async () => {
  const plan = await submitPlan(t, { channels: ['blog', 'linkedin', 'x_thread'] });
  await waitForStatus(t, plan.id, 'drafting');

  expect(await chooseFromMenu(t, { userId: STRANGER, option: 'cancel', planId: plan.id })).toContain('or a workspace admin can cancel it');
  expect(await chooseFromMenu(t, { userId: AUTHOR, option: 'cancel', planId: plan.id })).toContain(`Plan #${plan.number} is cancelled`);
  const [row] = await t.database.sql`select status from content_plans where id = ${plan.id}`;
  expect(row?.['status']).toBe('cancelled');
  // Only the draft job that was already running (and the render) may be left, and they end without enqueueing more.
  expect((await pendingWorkOf(plan.id)).filter((task) => !['draft_plan', 'render_plan_message', 'refresh_home'].includes(task))).toEqual([]);

  await waitForQuiet(t, plan.id);
  expect(await pendingWorkOf(plan.id)).toEqual([]);
  const runs = await t.database.sql`select stage from stage_runs where plan_id = ${plan.id} order by id`;
  expect(runs.map((run) => run['stage'])).toEqual(['research', 'draft']);
  const [after] = await t.database.sql`select status from content_plans where id = ${plan.id}`;
  expect(after?.['status']).toBe('cancelled');

  const { message } = await rootMessage(t, plan.id);
  expect(message.text).toContain(`cancelled by <@${AUTHOR}>`);
  expect(JSON.stringify(message.blocks)).toContain(`Cancelled by <@${AUTHOR}>`);
  const audit = await t.database.sql`select action, actor_id from audit_log where plan_id = ${plan.id} order by id`;
  expect(audit.map((entry) => `${entry['action']}:${entry['actor_id']}`)).toEqual(['plan_created:U0MIA', `plan_cancelled:${AUTHOR}`]);
});

test('an admin can cancel a queued plan before any stage starts; its queued research job is removed', async () => {
  await t.restart({ role: 'web' });
  try {
    const plan = await submitPlan(t);
    expect(await pendingWorkOf(plan.id)).toContain('research_plan');
    expect(await chooseFromMenu(t, { userId: ADMIN, option: 'cancel', planId: plan.id })).toContain('is cancelled');
    // What shows the plan (its message, once a worker posts it, and renders) stays; its work is gone.
    const showing = ['post_plan_message', 'render_plan_message', 'refresh_home'];
    expect((await pendingWorkOf(plan.id)).filter((task) => !showing.includes(task))).toEqual([]);
    expect(await chooseFromMenu(t, { userId: AUTHOR, option: 'cancel', planId: plan.id })).toContain('cannot be cancelled');
  } finally {
    await t.restart({ role: 'all' });
  }
});
