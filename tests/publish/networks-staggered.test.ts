/**
 * A whole plan broadcast: written by the pipeline, approved with a time for each destination, then published
 * to WordPress, Slack, LinkedIn and X as each time comes (time injected by making one job due at a time).
 */
import { afterAll, beforeAll, expect, test } from 'vitest';
import { DECISION_MODALS } from '../../src/bot/ids.ts';
import { jobKeys } from '../../src/jobs/queue.ts';
import { startFakeLinkedin, type FakeLinkedin } from '../support/fake-linkedin.ts';
import { startFakeWordpress, type FakeWordpress } from '../support/fake-wordpress.ts';
import { startFakeX, type FakeX } from '../support/fake-x.ts';
import { connectLinkedinAccount, connectXAccount, networksEnv } from '../support/networks.ts';
import { PLAN_CHANNEL, seedCompetitors, submitPlan, waitForStatus } from '../support/pipeline.ts';
import { addWordpressDestination, ENCRYPTION_KEY_HEX, planStatus, scheduleEachValues, setReviewSettings, submitDecision } from '../support/review.ts';
import { GOOD_DRAFT, scriptAuthor } from '../support/scripted-author.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

const AVERY = 'U0AVERY';
const WP_USER = 'editor';
const WP_PASSWORD = 'abcd efgh ijkl mnop qrst uvwx';
const HOUR = 3_600_000;
const ANNOUNCEMENT = `slack:${PLAN_CHANNEL}`;

let t: TestApp;
let x: FakeX;
let linkedin: FakeLinkedin;
let wordpress: FakeWordpress;

beforeAll(async () => {
  [x, linkedin] = await Promise.all([startFakeX(), startFakeLinkedin()]);
  wordpress = await startFakeWordpress({ username: WP_USER, applicationPassword: WP_PASSWORD });
  t = await startTestApp({ env: { ENCRYPTION_KEY: ENCRYPTION_KEY_HEX, ...networksEnv(x, linkedin) } });
  seedCompetitors(t.firecrawl);
  scriptAuthor(t.openai, { drafts: [GOOD_DRAFT] });
  await setReviewSettings(t, { approvers: [AVERY] });
});
afterAll(async () => {
  await t?.close();
  await Promise.all([x?.close(), linkedin?.close(), wordpress?.close()]);
});

async function attemptStates(planId: string): Promise<Record<string, string>> {
  const rows = await t.database.sql<{ destination_key: string; state: string }[]>`select destination_key, state from publish_attempts where plan_id = ${planId}`;
  return Object.fromEntries(rows.map((row) => [row.destination_key, row.state]));
}

async function makeDueAndDeliver(planId: string, destinationKey: string) {
  const moved = await t.database.sql`update graphile_worker._private_jobs set run_at = now() where key = ${jobKeys.publishTo(planId, destinationKey)}`;
  expect(moved.count).toBe(1);
  await expect.poll(async () => (await attemptStates(planId))[destinationKey], { timeout: 30_000, interval: 100 }).toBe('delivered');
}

test('a plan publishes to WordPress, Slack, LinkedIn and X at staggered times: each once, in its own hour, the variants linking to the post', async () => {
  const wordpressKey = await addWordpressDestination(t, { siteUrl: wordpress.url, username: WP_USER, applicationPassword: WP_PASSWORD });
  const linkedinKey = `dest:${(await connectLinkedinAccount(t, linkedin)).destinationId}`;
  const xKey = `dest:${(await connectXAccount(t, x)).destinationId}`;

  const plan = await submitPlan(t, { channels: ['blog', 'linkedin', 'x_thread'] });
  await waitForStatus(t, plan.id, 'in_review');
  const now = Date.now();
  const times = {
    [wordpressKey]: new Date(now + HOUR),
    [ANNOUNCEMENT]: new Date(now + 2 * HOUR),
    [linkedinKey]: new Date(now + 3 * HOUR),
    [xKey]: new Date(now + 4 * HOUR),
  };
  const answer = await submitDecision(t, {
    userId: AVERY,
    callbackId: DECISION_MODALS.schedule.callbackId,
    planId: plan.id,
    values: scheduleEachValues(times[wordpressKey]!, times),
  });
  expect(answer).toBeUndefined();
  expect(await planStatus(t, plan.id)).toBe('scheduled');

  const jobs = await t.database.sql<{ key: string; run_at: number }[]>`
    select key, extract(epoch from run_at)::int as run_at from graphile_worker._private_jobs where key like ${`${jobKeys.publish(plan.id)}:%`} order by run_at`;
  expect(jobs.map((job) => [job.key, job.run_at])).toEqual(
    Object.entries(times).map(([key, at]) => [jobKeys.publishTo(plan.id, key), Math.floor(at.getTime() / 1000)]),
  );

  await makeDueAndDeliver(plan.id, wordpressKey);
  await waitForStatus(t, plan.id, 'publishing');
  expect(wordpress.posts).toHaveLength(1);
  expect(linkedin.posts).toHaveLength(0);
  expect(x.tweets).toHaveLength(0);
  const [post] = await t.database.sql<{ url: string }[]>`select url from publish_attempts where plan_id = ${plan.id} and destination_key = ${wordpressKey}`;

  await makeDueAndDeliver(plan.id, ANNOUNCEMENT);
  expect(await planStatus(t, plan.id)).toBe('publishing');

  await makeDueAndDeliver(plan.id, linkedinKey);
  expect(linkedin.posts).toHaveLength(1);
  expect(linkedin.posts[0]!.text).toContain(post!.url);
  expect(x.tweets).toHaveLength(0);

  await makeDueAndDeliver(plan.id, xKey);
  await waitForStatus(t, plan.id, 'published', 30_000);
  expect(x.tweets).toHaveLength(4);
  expect(x.tweets.at(-1)!.text).toContain(post!.url);

  // Each destination delivered once, in the order of its time.
  const delivered = await t.database.sql<{ destination_key: string }[]>`
    select destination_key from publish_attempts where plan_id = ${plan.id} and state = 'delivered' order by delivered_at`;
  expect(delivered.map((attempt) => attempt.destination_key)).toEqual([wordpressKey, ANNOUNCEMENT, linkedinKey, xKey]);
  expect(wordpress.posts).toHaveLength(1);
  expect(linkedin.posts).toHaveLength(1);
}, 150_000);
