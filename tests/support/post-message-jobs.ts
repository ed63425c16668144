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
 */
export async function runPostMessageJobs(t: TestApp): Promise<void> {
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
