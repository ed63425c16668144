import { WebClient } from '@slack/web-api';
import { runOnce } from 'graphile-worker';
import { silentGraphileLogger } from '../../src/db/migrate.ts';
import { makePostPlanMessage } from '../../src/jobs/post-plan-message.ts';
import { makeEnqueue, TASKS } from '../../src/jobs/queue.ts';
import { BOT_TOKEN } from './app-env.ts';
import type { TestApp } from './test-app.ts';

/**
 * For an app running `--role web`, which saves plans and leaves their messages to a worker: runs the
 * queued post_plan_message jobs through graphile-worker, with the job's own code, and nothing else.
 * A submission's jobs reach the queue after its ack (the plan starter empties the outbox), so this
 * first waits for the outbox to be empty.
 */
export async function runPostMessageJobs(t: TestApp): Promise<void> {
  await waitForPlansStarted(t);
  const slack = new WebClient(BOT_TOKEN, { slackApiUrl: `${t.slack.url.replace(/\/$/, '')}/`, retryConfig: { retries: 0 } });
  const task = makePostPlanMessage({
    db: t.database.db,
    logger: t.app.logger,
    enqueue: makeEnqueue(t.database.db),
    slackFor: async () => slack,
    now: () => new Date(),
  });
  await runOnce({ connectionString: t.app.databaseUrl, taskList: { [TASKS.postPlanMessage]: task }, logger: silentGraphileLogger() });
}

/**
 * Waits until the plan starter has moved every saved plan's first jobs out of `plan_job_outbox`, so no
 * statement of it is still running (a test that then truncates the tables cannot deadlock with it).
 */
export async function waitForPlansStarted(t: TestApp, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const [row] = await t.database.sql<{ count: number }[]>`select count(*)::int as count from plan_job_outbox`;
    if (row?.count === 0) return;
    if (Date.now() >= deadline) throw new Error(`${row?.count} plan(s) still in plan_job_outbox after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
