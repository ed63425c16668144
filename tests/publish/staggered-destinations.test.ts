import { afterAll, beforeAll, beforeEach, expect, test } from 'vitest';
import { ACTIONS, BLOCKS, DECISION_MODALS } from '../../src/bot/ids.ts';
import { destinationTimeBlock } from '../../src/bot/views/decision-modals.ts';
import { jobKeys } from '../../src/jobs/queue.ts';
import { startFakeWebhook, type FakeWebhook } from '../support/fake-webhook.ts';
import { startFakeWordpress, type FakeWordpress } from '../support/fake-wordpress.ts';
import { PLAN_CHANNEL, rootMessage, seedCompetitors, submitPlan, TEAM, waitForStatus } from '../support/pipeline.ts';
import {
  addWebhookDestination,
  addWordpressDestination,
  ENCRYPTION_KEY_HEX,
  planStatus,
  press,
  scheduleEachValues,
  setReviewSettings,
  submitDecision,
} from '../support/review.ts';
import { GOOD_DRAFT, scriptAuthor } from '../support/scripted-author.ts';
import { blockActionsBody } from '../support/slack-requests.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

const AVERY = 'U0AVERY';
const BLAKE = 'U0BLAKE';
const WP_USER = 'editor';
const WP_PASSWORD = 'abcd efgh ijkl mnop qrst uvwx';
const HOUR = 3_600_000;
const ANNOUNCEMENT = `slack:${PLAN_CHANNEL}`;

let t: TestApp;
let webhook: FakeWebhook;
let wordpress: FakeWordpress;
let webhookKey: string;
let wordpressKey: string;

beforeAll(async () => {
  t = await startTestApp({ env: { ENCRYPTION_KEY: ENCRYPTION_KEY_HEX, JOB_MAX_ATTEMPTS: '2' } });
  seedCompetitors(t.firecrawl);
  webhook = await startFakeWebhook();
  wordpress = await startFakeWordpress({ username: WP_USER, applicationPassword: WP_PASSWORD });
  webhookKey = await addWebhookDestination(t, { url: webhook.url, secret: 'whsec_test_0123456789abcdef' });
  wordpressKey = await addWordpressDestination(t, { siteUrl: wordpress.url, username: WP_USER, applicationPassword: WP_PASSWORD });
});
afterAll(async () => {
  await t?.close();
  await webhook?.close();
  await wordpress?.close();
});
beforeEach(async () => {
  scriptAuthor(t.openai, { drafts: [GOOD_DRAFT] });
  await setReviewSettings(t, { approvers: [AVERY] });
  // Every plan here writes the same draft, so the same slug: each test starts with an empty blog.
  wordpress.posts.splice(0);
});

async function planInReview() {
  const plan = await submitPlan(t, { channels: ['blog', 'linkedin'] });
  await waitForStatus(t, plan.id, 'in_review');
  return plan;
}

/** "Approve & schedule" with a time for each destination, as AVERY. */
async function scheduleEach(planId: string, times: Record<string, Date>) {
  const first = Object.values(times).reduce((earliest, at) => (at < earliest ? at : earliest));
  return submitDecision(t, { userId: AVERY, callbackId: DECISION_MODALS.schedule.callbackId, planId, values: scheduleEachValues(first, times) });
}

async function publishJobs(planId: string) {
  return t.database.sql<{ key: string; run_at: number }[]>`
    select key, extract(epoch from run_at)::int as run_at from graphile_worker._private_jobs where key like ${`${jobKeys.publish(planId)}:%`} order by run_at`;
}

/** The time injected: a destination's job, scheduled hours ahead, becomes due now. */
async function makeDue(planId: string, destinationKey: string) {
  const moved = await t.database.sql`update graphile_worker._private_jobs set run_at = now() where key = ${jobKeys.publishTo(planId, destinationKey)}`;
  expect(moved.count).toBe(1);
}

async function attemptStates(planId: string): Promise<Record<string, string>> {
  const rows = await t.database.sql<{ destination_key: string; state: string }[]>`select destination_key, state from publish_attempts where plan_id = ${planId}`;
  return Object.fromEntries(rows.map((row) => [row.destination_key, row.state]));
}

async function waitForAttempt(planId: string, destinationKey: string, state: string) {
  await expect.poll(async () => (await attemptStates(planId))[destinationKey], { timeout: 30_000, interval: 100 }).toBe(state);
}

/** Waits for the root message to show `text`; renders are collapsed and a little delayed. */
async function waitForRootText(planId: string, text: string) {
  await expect.poll(async () => JSON.stringify((await rootMessage(t, planId)).message.blocks), { timeout: 15_000, interval: 100 }).toContain(text);
}

test('a plan publishes to WordPress, the webhook and Slack, each at its own time, the blog post first', async () => {
  const plan = await planInReview();
  const now = Date.now();
  const times = { [wordpressKey]: new Date(now + HOUR), [webhookKey]: new Date(now + 2 * HOUR), [ANNOUNCEMENT]: new Date(now + 3 * HOUR) };
  expect(await scheduleEach(plan.id, times)).toBeUndefined();

  // One job per destination, each at its own time; the plan's time is the earliest.
  expect(await planStatus(t, plan.id)).toBe('scheduled');
  const jobs = await publishJobs(plan.id);
  expect(jobs.map((job) => [job.key, job.run_at])).toEqual(
    [wordpressKey, webhookKey, ANNOUNCEMENT].map((key) => [jobKeys.publishTo(plan.id, key), Math.floor(times[key]!.getTime() / 1000)]),
  );
  const [row] = await t.database.sql<{ at: number }[]>`select extract(epoch from scheduled_at)::int as at from content_plans where id = ${plan.id}`;
  expect(row?.at).toBe(Math.floor((now + HOUR) / 1000));
  await waitForRootText(plan.id, 'Company blog: 🗓️ scheduled');

  // 09:00, the blog: published, and the plan publishing while the others wait for their times.
  await makeDue(plan.id, wordpressKey);
  await waitForAttempt(plan.id, wordpressKey, 'delivered');
  await waitForStatus(t, plan.id, 'publishing');
  expect(await attemptStates(plan.id)).toEqual({ [wordpressKey]: 'delivered' });
  expect(webhook.requests).toHaveLength(0);
  const [post] = await t.database.sql<{ url: string }[]>`select url from publish_attempts where plan_id = ${plan.id} and destination_key = ${wordpressKey}`;
  await waitForRootText(plan.id, `Company blog: ✅ delivered · <${post!.url}|view>`);
  await waitForRootText(plan.id, 'Site webhook: 🗓️ scheduled');

  // 10:00, the webhook: its LinkedIn variant links to the post.
  await makeDue(plan.id, webhookKey);
  await waitForAttempt(plan.id, webhookKey, 'delivered');
  expect(await planStatus(t, plan.id)).toBe('publishing');
  const body = webhook.requests.at(-1)?.body as { variants: { linkedin: { text: string } } };
  expect(body.variants.linkedin.text).toContain(post!.url);

  // 11:00, Slack: the last one, so the plan is published.
  await makeDue(plan.id, ANNOUNCEMENT);
  await waitForStatus(t, plan.id, 'published', 30_000);
  expect(await attemptStates(plan.id)).toEqual({ [wordpressKey]: 'delivered', [webhookKey]: 'delivered', [ANNOUNCEMENT]: 'delivered' });
  const delivered = await t.database.sql<{ destination_key: string }[]>`
    select destination_key from publish_attempts where plan_id = ${plan.id} order by delivered_at`;
  expect(delivered.map((attempt) => attempt.destination_key)).toEqual([wordpressKey, webhookKey, ANNOUNCEMENT]);
  expect(wordpress.posts).toHaveLength(1);
  await waitForRootText(plan.id, `<#${PLAN_CHANNEL}>: ✅ delivered`);
}, 120_000);

test('a destination due before the blog post waits for it, then links to it', async () => {
  const plan = await planInReview();
  const now = Date.now();
  expect(await scheduleEach(plan.id, { [wordpressKey]: new Date(now + HOUR), [webhookKey]: new Date(now + 2 * HOUR) })).toBeUndefined();
  const requestsBefore = webhook.requests.length;

  // The blog is late (its job has not run): the webhook's job comes, sends nothing, and looks again.
  await makeDue(plan.id, webhookKey);
  await waitForStatus(t, plan.id, 'publishing');
  await new Promise((resolve) => setTimeout(resolve, 3_000));
  expect(webhook.requests.length).toBe(requestsBefore);
  expect(await attemptStates(plan.id)).toEqual({});
  expect(await publishJobs(plan.id)).toHaveLength(2);

  await makeDue(plan.id, wordpressKey);
  await waitForStatus(t, plan.id, 'published', 30_000);
  const [post] = await t.database.sql<{ url: string }[]>`select url from publish_attempts where plan_id = ${plan.id} and destination_key = ${wordpressKey}`;
  expect(webhook.requests.length).toBe(requestsBefore + 1);
  expect((webhook.requests.at(-1)?.body as { variants: { linkedin: { text: string } } }).variants.linkedin.text).toContain(post!.url);
}, 120_000);

/** Presses a button on the plan's root message found by its label, with its own action id and value. */
async function pressRootButton(planId: string, label: string, userId: string) {
  const { message, ts } = await rootMessage(t, planId);
  const block = (message.blocks as { block_id?: string; elements?: { text: { text: string }; action_id: string; value: string }[] }[]).find(
    (candidate) => candidate.block_id === BLOCKS.planDestinationRetries,
  );
  const button = block?.elements?.find((element) => element.text.text === label);
  expect(button, `a "${label}" button on the root message`).toBeDefined();
  const response = await t.send(
    blockActionsBody({
      teamId: TEAM,
      userId,
      channelId: PLAN_CHANNEL,
      message: { ts },
      actions: [{ action_id: button!.action_id, block_id: BLOCKS.planDestinationRetries, value: button!.value }],
      triggerId: t.slack.issueTriggerId(),
      responseUrl: t.slack.issueResponseUrl(),
    }),
  );
  expect(response.status).toBe(200);
}

test('a destination that fails leaves the plan partly published; its own Retry sends it alone, and the plan is then published', async () => {
  const plan = await planInReview();
  const now = Date.now();
  expect(await scheduleEach(plan.id, { [wordpressKey]: new Date(now + HOUR), [webhookKey]: new Date(now + 2 * HOUR) })).toBeUndefined();
  webhook.respondWith(400);

  await makeDue(plan.id, wordpressKey);
  await waitForAttempt(plan.id, wordpressKey, 'delivered');
  await makeDue(plan.id, webhookKey);
  await waitForStatus(t, plan.id, 'partially_published', 30_000);
  expect(await attemptStates(plan.id)).toEqual({ [wordpressKey]: 'delivered', [webhookKey]: 'failed' });
  await waitForRootText(plan.id, 'Site webhook: ❌ failed: The webhook answered 400 Bad Request; check its URL in the App Home. · <!date^');
  await waitForRootText(plan.id, 'Retry Site webhook');
  const [row] = await t.database.sql`select status from content_plans where id = ${plan.id}`;
  expect(row?.['status']).toBe('partially_published');

  // Someone who is neither the author nor an admin cannot retry it.
  await pressRootButton(plan.id, 'Retry Site webhook', 'U0STRANGER');
  await expect
    .poll(() => t.slack.responses.map((posted) => String(posted.body['text'] ?? '')).some((text) => text.includes('or a workspace admin can retry it')), { timeout: 10_000 })
    .toBe(true);
  expect(await planStatus(t, plan.id)).toBe('partially_published');
  expect(await attemptStates(plan.id)).toEqual({ [wordpressKey]: 'delivered', [webhookKey]: 'failed' });
  const strangerRetries = await t.database.sql`select 1 from audit_log where plan_id = ${plan.id} and actor_id = 'U0STRANGER'`;
  expect(strangerRetries).toHaveLength(0);

  // The author can: the webhook goes again (the receiver is fixed), WordPress is not touched.
  const requestsBefore = webhook.requests.length;
  await pressRootButton(plan.id, 'Retry Site webhook', 'U0MIA');
  await waitForStatus(t, plan.id, 'published', 30_000);
  expect(await attemptStates(plan.id)).toEqual({ [wordpressKey]: 'delivered', [webhookKey]: 'delivered' });
  expect(webhook.requests.length).toBe(requestsBefore + 1);
  // The retry carries the same idempotency key as the failed try.
  const keys = webhook.requests.slice(-2).map((request) => request.headers['idempotency-key']);
  expect(keys[0]).toBeDefined();
  expect(keys[1]).toBe(keys[0]);
  expect(wordpress.posts).toHaveLength(1);
  const [audit] = await t.database.sql`select actor_id, details from audit_log where plan_id = ${plan.id} and action = 'destination_retried'`;
  expect(audit).toMatchObject({ actor_id: 'U0MIA', details: { destination: webhookKey } });
  await waitForRootText(plan.id, 'Site webhook: ✅ delivered');
  const blocks = JSON.stringify((await rootMessage(t, plan.id)).message.blocks);
  expect(blocks).not.toContain('Retry Site webhook');
}, 120_000);

test('a plan short of approvals expires at its earliest destination time, and its later jobs go', async () => {
  await setReviewSettings(t, { approvers: [AVERY, BLAKE], requiredApprovals: 2 });
  const plan = await planInReview();
  const now = Date.now();
  expect(await scheduleEach(plan.id, { [wordpressKey]: new Date(now + HOUR), [ANNOUNCEMENT]: new Date(now + 5 * HOUR) })).toBeUndefined();
  expect(await planStatus(t, plan.id)).toBe('scheduled');
  const [row] = await t.database.sql<{ approved_at: Date | null }[]>`select approved_at from content_plans where id = ${plan.id}`;
  expect(row?.approved_at).toBeNull();

  await makeDue(plan.id, wordpressKey);
  await waitForStatus(t, plan.id, 'expired', 30_000);
  expect(await publishJobs(plan.id)).toEqual([]);
  expect(await attemptStates(plan.id)).toEqual({});
  await waitForRootText(plan.id, 'Expired');
}, 120_000);

test('the schedule modal refuses, inline, a destination before the blog post and a time in the past', async () => {
  const plan = await planInReview();
  const now = Date.now();
  const answer = await scheduleEach(plan.id, {
    [wordpressKey]: new Date(now + 2 * HOUR),
    [webhookKey]: new Date(now + HOUR),
    [ANNOUNCEMENT]: new Date(now - HOUR),
  });
  expect(answer?.errors).toEqual({
    [destinationTimeBlock(webhookKey)]: expect.stringMatching(/^Publish this at or after Company blog \(.+ UTC\): it links to the blog post, so the post goes first\.$/),
    [destinationTimeBlock(ANNOUNCEMENT)]: 'Pick a time in the future.',
  });
  expect(await planStatus(t, plan.id)).toBe('in_review');
  expect(await publishJobs(plan.id)).toEqual([]);

  // Fixed: the webhook after the blog post, the announcement with it.
  const fixed = await scheduleEach(plan.id, { [wordpressKey]: new Date(now + 2 * HOUR), [webhookKey]: new Date(now + 3 * HOUR), [ANNOUNCEMENT]: new Date(now + 2 * HOUR) });
  expect(fixed).toBeUndefined();
  expect(await planStatus(t, plan.id)).toBe('scheduled');
  expect(await publishJobs(plan.id)).toHaveLength(3);
  await press(t, { userId: AVERY, actionId: ACTIONS.unschedule, planId: plan.id });
  await expect.poll(() => publishJobs(plan.id), { timeout: 10_000 }).toEqual([]);
}, 120_000);
