import { afterAll, beforeAll, expect, test } from 'vitest';
import { AUTHOR, submitPlan, TEAM } from '../support/pipeline.ts';
import { setReviewSettings } from '../support/review.ts';
import { slashCommandBody } from '../support/slack-requests.ts';
import { runPostMessageJobs } from '../support/post-message-jobs.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

const PUBLIC = 'C0PUBLIC';
const PRIVATE = 'C0SECRET';
const APPROVER = 'U0AVERY';
const ADMIN = 'U0ADMIN';
const STRANGER = 'U0STRANGER';

let t: TestApp;
let publicPlan: { id: string; number: number };
let privatePlan: { id: string; number: number };

beforeAll(async () => {
  t = await startTestApp({ role: 'web', env: { LOG_LEVEL: 'warn' } });
  t.slack.channels.set(PUBLIC, { name: 'marketing', is_private: false });
  t.slack.channels.set(PRIVATE, { name: 'launch-secret', is_private: true });
  t.slack.users.set(ADMIN, { is_admin: true });
  await setReviewSettings(t, { approvers: [APPROVER] });
  publicPlan = await submitPlan(t, { topic: 'Public topic for everyone', postChannel: PUBLIC });
  privatePlan = await submitPlan(t, { topic: 'Secret launch plan', postChannel: PRIVATE });
  // The web role leaves the plans' messages to a worker.
  await runPostMessageJobs(t);
});
afterAll(async () => t?.close());

test('each plan records whether its channel is private, from conversations.info', async () => {
  await expect
    .poll(async () => (await t.database.sql`select channel_is_private from content_plans order by number`).map((row) => row['channel_is_private']))
    .toEqual([false, true]);
});

async function command(userId: string, text: string): Promise<string> {
  const response = await t.send(slashCommandBody({ teamId: TEAM, userId, channelId: PUBLIC, text, triggerId: 'x' }));
  expect(response.status).toBe(200);
  return JSON.stringify(await response.json());
}

test('/content list shows a private channel’s plan only to its author, approvers and admins', async () => {
  const strangers = await command(STRANGER, 'list');
  expect(strangers).toContain('Public topic for everyone');
  expect(strangers).not.toContain('Secret launch plan');
  for (const user of [AUTHOR, APPROVER, ADMIN]) expect(await command(user, 'list')).toContain('Secret launch plan');
});

test('/content status answers a plan in a private channel as not found to others', async () => {
  expect(await command(STRANGER, `status ${privatePlan.number}`)).toContain(`There is no plan #${privatePlan.number} in this workspace.`);
  expect(await command(STRANGER, `status ${publicPlan.number}`)).toContain('Public topic for everyone');
  expect(await command(APPROVER, `status ${privatePlan.number}`)).toContain('Secret launch plan');
});
