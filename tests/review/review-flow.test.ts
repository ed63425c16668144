import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { ACTIONS, DECISION_MODALS } from '../../src/bot/ids.ts';
import { startFakeWebhook, type FakeWebhook } from '../support/fake-webhook.ts';
import { startFakeWordpress, type FakeWordpress } from '../support/fake-wordpress.ts';
import { AUTHOR, PLAN_CHANNEL, rootMessage, seedCompetitors, submitPlan, TEAM, waitForQuiet, waitForStatus } from '../support/pipeline.ts';
import {
  addWebhookDestination,
  addWordpressDestination,
  ENCRYPTION_KEY_HEX,
  feedbackValues,
  planStatus,
  press,
  reasonValues,
  scheduleValues,
  setReviewSettings,
  submitDecision,
} from '../support/review.ts';
import { GOOD_DRAFT, promptText, schemaNameOf, scriptAuthor } from '../support/scripted-author.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

const AVERY = 'U0AVERY';
const SAM = 'U0SAM';
const STRANGER = 'U0STRANGER';
const WEBHOOK_SECRET = 'whsec_test_0123456789abcdef';
const WP_USER = 'editor';
const WP_PASSWORD = 'abcd efgh ijkl mnop qrst uvwx';

let t: TestApp;
let webhook: FakeWebhook;
let wordpress: FakeWordpress;

beforeAll(async () => {
  t = await startTestApp({ env: { ENCRYPTION_KEY: ENCRYPTION_KEY_HEX, JOB_MAX_ATTEMPTS: '4', PUBLISH_TIMEOUT_MS: '1500' } });
  seedCompetitors(t.firecrawl);
  webhook = await startFakeWebhook();
  wordpress = await startFakeWordpress({ username: WP_USER, applicationPassword: WP_PASSWORD });
});
afterAll(async () => {
  await t?.close();
  await webhook?.close();
  await wordpress?.close();
});
beforeEach(async () => {
  scriptAuthor(t.openai, { drafts: [GOOD_DRAFT] });
  await setReviewSettings(t, { approvers: [AVERY, SAM] });
});

async function planInReview(channels = ['blog', 'slack_announcement']) {
  const plan = await submitPlan(t, { channels });
  await waitForStatus(t, plan.id, 'in_review');
  return plan;
}

describe('the full flow', () => {
  test('request changes, revise, approve, schedule, then publish to Slack, a webhook and WordPress', async () => {
    const webhookKey = await addWebhookDestination(t, { url: webhook.url, secret: WEBHOOK_SECRET });
    const wordpressKey = await addWordpressDestination(t, { siteUrl: wordpress.url, username: WP_USER, applicationPassword: WP_PASSWORD });
    const plan = await planInReview();

    // Request changes opens a modal; empty feedback is answered inline.
    expect(await press(t, { userId: AVERY, actionId: ACTIONS.requestChanges, planId: plan.id })).toBeUndefined();
    const modal = t.slack.callsTo('views.open').at(-1);
    expect((modal?.args['view'] as { callback_id: string }).callback_id).toBe(DECISION_MODALS.requestChanges.callbackId);
    const empty = await submitDecision(t, { userId: AVERY, callbackId: DECISION_MODALS.requestChanges.callbackId, planId: plan.id, values: feedbackValues('  ') });
    expect(empty?.errors).toEqual({ feedback: "Write the feedback: it is shown to the plan's author." });

    const revisionCalls = t.openai.requests.length;
    await submitDecision(t, { userId: AVERY, callbackId: DECISION_MODALS.requestChanges.callbackId, planId: plan.id, values: feedbackValues('Add a checklist at the end.') });
    await expect.poll(() => planStatus(t, plan.id), { timeout: 10_000 }).not.toBe('in_review');
    await waitForStatus(t, plan.id, 'in_review');
    const [revised] = await t.database.sql`select revision from content_plans where id = ${plan.id}`;
    expect(revised?.['revision']).toBe(1);
    const draftAfterFeedback = t.openai.requests.slice(revisionCalls).find((request) => schemaNameOf(request) === 'draft');
    expect(promptText(draftAfterFeedback!)).toContain('Add a checklist at the end.');
    expect(t.openai.requests.slice(revisionCalls).some((request) => schemaNameOf(request) === 'research')).toBe(false);
    await waitForQuiet(t, plan.id);
    const afterRevision = JSON.stringify((await rootMessage(t, plan.id)).message.blocks);
    expect(afterRevision).toContain('revision 2');
    expect(afterRevision).toContain('Add a checklist at the end.');

    // Approve, then schedule a few seconds ahead.
    expect(await press(t, { userId: AVERY, actionId: ACTIONS.approve, planId: plan.id })).toBeUndefined();
    expect(await planStatus(t, plan.id)).toBe('approved');
    const at = new Date(Date.now() + 3_000);
    const scheduled = await submitDecision(t, {
      userId: SAM,
      callbackId: DECISION_MODALS.schedule.callbackId,
      planId: plan.id,
      values: scheduleValues(at, [`slack:${PLAN_CHANNEL}`, webhookKey, wordpressKey]),
    });
    expect(scheduled).toBeUndefined();
    expect(await planStatus(t, plan.id)).toBe('scheduled');
    await waitForStatus(t, plan.id, 'published', 30_000);
    await waitForQuiet(t, plan.id);

    // The webhook got one signed delivery carrying the attempt's idempotency key.
    expect(webhook.requests).toHaveLength(1);
    const delivery = webhook.requests[0]!;
    const signature = String(delivery.headers['x-content-broadcaster-signature']);
    const [, stamp, digest] = signature.match(/^t=(\d+),v1=([0-9a-f]{64})$/) ?? [];
    const attempts = await t.database.sql`select destination_key, idempotency_key, state, url from publish_attempts where plan_id = ${plan.id}`;
    const webhookAttempt = attempts.find((row) => row['destination_key'] === webhookKey);
    expect(delivery.headers['idempotency-key']).toBe(webhookAttempt?.['idempotency_key']);
    // The signature covers the idempotency key too.
    expect(digest).toBe(createHmac('sha256', WEBHOOK_SECRET).update(`${stamp}.${webhookAttempt?.['idempotency_key']}.${delivery.rawBody}`).digest('hex'));
    expect(delivery.body).toMatchObject({ post: { title: GOOD_DRAFT.title, slug: GOOD_DRAFT.slug }, plan: { id: plan.id, revision: 1 } });
    expect(String((delivery.body as { post: { html: string } }).post.html)).toContain('<h2>');

    // WordPress got the post once; Slack got the announcement, linking to it.
    expect(wordpress.posts).toHaveLength(1);
    expect(wordpress.posts[0]).toMatchObject({ slug: GOOD_DRAFT.slug, status: 'publish', title: GOOD_DRAFT.title });
    const announcement = t.slack.callsTo('chat.postMessage').filter((call) => call.args['channel'] === PLAN_CHANNEL && !call.args['thread_ts']).at(-1);
    const wordpressUrl = attempts.find((row) => row['destination_key'] === wordpressKey)?.['url'];
    expect(JSON.stringify(announcement?.args)).toContain(String(wordpressUrl));
    expect(attempts.map((row) => row['state'])).toEqual(['delivered', 'delivered', 'delivered']);

    // The message shows each destination with its state; the decision log is in the thread.
    const { message, replies } = await rootMessage(t, plan.id);
    const shown = JSON.stringify(message.blocks);
    expect(message.text).toContain('Published');
    for (const line of ['Site webhook: ✅ delivered', 'Company blog: ✅ delivered', `<#${PLAN_CHANNEL}>: ✅ delivered`]) expect(shown).toContain(line);
    const log = replies.find((reply) => reply.text.includes('Decision'))?.blocks;
    for (const who of [AVERY, SAM]) expect(JSON.stringify(log)).toContain(who);
    expect(JSON.stringify(log)).toContain('<!date^');

    // The hourly cron job collects reactions on the announcement, and the message shows them.
    const slackAttempt = await t.database.sql`select external_id from publish_attempts where plan_id = ${plan.id} and destination_kind = 'slack_channel'`;
    const [channel, ts] = String(slackAttempt[0]?.['external_id']).split(':');
    t.slack.messages.setReactions(channel!, ts!, [
      { name: 'tada', users: ['U1', 'U2', 'U3'], count: 3 },
      { name: 'eyes', users: ['U4'], count: 1 },
    ]);
    await t.database.sql`select graphile_worker.add_job('collect_reactions', '{}'::json)`;
    await expect.poll(async () => JSON.stringify((await rootMessage(t, plan.id)).message.blocks), { timeout: 10_000 }).toContain(`<#${PLAN_CHANNEL}>: ✅ delivered · <`);
    await expect.poll(async () => JSON.stringify((await rootMessage(t, plan.id)).message.blocks), { timeout: 10_000 }).toContain('4 reactions');
  });
});

describe('permissions and policy', () => {
  test('a non-approver is refused and nothing changes', async () => {
    const plan = await planInReview(['blog']);
    const answer = await press(t, { userId: STRANGER, actionId: ACTIONS.approve, planId: plan.id });
    expect(answer).toBe(`Only approvers can approve plans. Approvers here: <@${AVERY}>, <@${SAM}>. An admin can change this in the App Home.`);
    expect(await planStatus(t, plan.id)).toBe('in_review');
    const rejected = await submitDecision(t, { userId: STRANGER, callbackId: DECISION_MODALS.reject.callbackId, planId: plan.id, values: reasonValues('No') });
    expect(rejected?.errors?.['reason']).toContain('Only approvers can reject plans');
    expect(await planStatus(t, plan.id)).toBe('in_review');
  });

  test('self-approval is refused unless the workspace allows it', async () => {
    await setReviewSettings(t, { approvers: [AUTHOR, AVERY] });
    const plan = await planInReview(['blog']);
    expect(await press(t, { userId: AUTHOR, actionId: ACTIONS.approve, planId: plan.id })).toMatch(/someone else needs to approve it/);
    expect(await planStatus(t, plan.id)).toBe('in_review');
  });

  test('with two required approvals one is not enough', async () => {
    await setReviewSettings(t, { approvers: [AVERY, SAM], requiredApprovals: 2 });
    const plan = await planInReview(['blog']);
    expect(await press(t, { userId: AVERY, actionId: ACTIONS.approve, planId: plan.id })).toMatch(/1 of 2/);
    expect(await planStatus(t, plan.id)).toBe('in_review');
    expect(await press(t, { userId: SAM, actionId: ACTIONS.approve, planId: plan.id })).toBeUndefined();
    expect(await planStatus(t, plan.id)).toBe('approved');
  });

  test("a forged action value naming another workspace's plan is refused", async () => {
    const [other] = await t.database.sql<{ id: string }[]>`
      insert into content_plans (team_id, number, source_key, author_id, topic, keyphrase, channels, post_channel_id, status)
      values ('T0OTHERTEAM', 1, 'forged', 'U0OTHER', 'Their plan', 'their plan', '{blog}', 'C0THEIRS', 'in_review') returning id`;
    const answer = await press(t, { userId: AVERY, actionId: ACTIONS.approve, planId: other!.id });
    expect(answer).toBe('That plan no longer exists in this workspace.');
    const rows = await t.database.sql`select status from content_plans where id = ${other!.id}`;
    expect(rows[0]?.['status']).toBe('in_review');
    expect((await t.database.sql`select count(*)::int as n from approvals where plan_id = ${other!.id}`)[0]?.['n']).toBe(0);
  });

  test('a scheduled plan still short of approvals expires when its time comes', async () => {
    await setReviewSettings(t, { approvers: [AVERY, SAM], requiredApprovals: 2 });
    const plan = await planInReview(['blog']);
    const answer = await submitDecision(t, {
      userId: AVERY,
      callbackId: DECISION_MODALS.schedule.callbackId,
      planId: plan.id,
      values: scheduleValues(new Date(Date.now() + 1_500), [`slack:${PLAN_CHANNEL}`]),
    });
    expect(answer).toBeUndefined();
    expect(await planStatus(t, plan.id)).toBe('scheduled');
    await waitForStatus(t, plan.id, 'expired', 15_000);
    await waitForQuiet(t, plan.id);
    expect(JSON.stringify((await rootMessage(t, plan.id)).message.blocks)).toContain('Expired: it was scheduled for');
  });
});

describe('concurrency', () => {
  test('10 concurrent Approve and 10 concurrent Publish now presses: one approval each, one publication per destination', async () => {
    webhook.requests.length = 0;
    const webhookKey = await addWebhookDestination(t, { url: webhook.url, secret: WEBHOOK_SECRET });
    await t.database.sql`update publish_destinations set is_default = (config->>'url' is not null and id = ${webhookKey.slice(5)}) where team_id = ${TEAM}`;
    const plan = await planInReview(['blog']);
    await Promise.all(Array.from({ length: 10 }, () => press(t, { userId: AVERY, actionId: ACTIONS.approve, planId: plan.id })));
    expect((await t.database.sql`select count(*)::int as n from approvals where plan_id = ${plan.id}`)[0]?.['n']).toBe(1);
    expect(await planStatus(t, plan.id)).toBe('approved');

    await Promise.all(Array.from({ length: 10 }, () => press(t, { userId: SAM, actionId: ACTIONS.publishNow, planId: plan.id })));
    await waitForStatus(t, plan.id, 'published', 20_000);
    await waitForQuiet(t, plan.id);
    const attempts = await t.database.sql`select destination_key, tries from publish_attempts where plan_id = ${plan.id}`;
    expect(attempts.map((row) => [row['destination_key'], row['tries']])).toEqual([[webhookKey, 1]]);
    expect(webhook.requests.filter((request) => (request.body as { plan?: { id?: string } })?.plan?.id === plan.id)).toHaveLength(1);
  });
});

describe('destination faults', () => {
  async function publishTo(destinations: string[]) {
    const plan = await planInReview(['blog']);
    await press(t, { userId: AVERY, actionId: ACTIONS.approve, planId: plan.id });
    const answer = await submitDecision(t, {
      userId: AVERY,
      callbackId: DECISION_MODALS.schedule.callbackId,
      planId: plan.id,
      values: scheduleValues(new Date(Date.now() + 1_500), destinations),
    });
    expect(answer).toBeUndefined();
    return plan;
  }

  test('a webhook answering 500 twice and then 200 is delivered once, every try with the same key', async () => {
    webhook.requests.length = 0;
    const key = await addWebhookDestination(t, { url: webhook.url, secret: WEBHOOK_SECRET });
    webhook.respondWith(500, 500, 200);
    const plan = await publishTo([key]);
    await waitForStatus(t, plan.id, 'published', 40_000);
    expect(webhook.requests.map((request) => request.outcome)).toEqual([500, 500, 200]);
    expect(new Set(webhook.requests.map((request) => request.headers['idempotency-key'])).size).toBe(1);
  }, 60_000);

  test('a webhook that times out after receiving is retried with the same key, never a new one', async () => {
    webhook.requests.length = 0;
    const key = await addWebhookDestination(t, { url: webhook.url, secret: WEBHOOK_SECRET });
    webhook.respondWith({ hangAfterReceive: true });
    const plan = await publishTo([key]);
    await waitForStatus(t, plan.id, 'published', 40_000);
    expect(webhook.requests.map((request) => request.outcome)).toEqual(['hang', 200]);
    expect(new Set(webhook.requests.map((request) => request.headers['idempotency-key'])).size).toBe(1);
  }, 60_000);

  test('WordPress answering 401 fails with a clear reason in the thread', async () => {
    const key = await addWordpressDestination(t, { siteUrl: wordpress.url, username: WP_USER, applicationPassword: 'wrong pass word wron gpas swor' });
    const plan = await publishTo([key]);
    await waitForStatus(t, plan.id, 'failed', 20_000);
    await waitForQuiet(t, plan.id);
    const shown = JSON.stringify((await rootMessage(t, plan.id)).message.blocks);
    expect(shown).toContain('Company blog: ❌ failed: WordPress rejected the application password for editor (401)');
    expect(shown).toContain(ACTIONS.retryPlan);
  });
});

describe('bad input', () => {
  test('a schedule in the past and an empty reason are answered inline', async () => {
    const plan = await planInReview(['blog']);
    const past = await submitDecision(t, {
      userId: AVERY,
      callbackId: DECISION_MODALS.schedule.callbackId,
      planId: plan.id,
      values: scheduleValues(new Date(Date.now() - 60_000), [`slack:${PLAN_CHANNEL}`]),
    });
    expect(past?.errors).toEqual({ publish_at: 'Pick a time in the future.' });
    const noReason = await submitDecision(t, { userId: AVERY, callbackId: DECISION_MODALS.reject.callbackId, planId: plan.id, values: reasonValues('') });
    expect(noReason?.errors).toEqual({ reason: "Write the reason: it is shown to the plan's author." });
    expect(await planStatus(t, plan.id)).toBe('in_review');
    await submitDecision(t, { userId: AVERY, callbackId: DECISION_MODALS.reject.callbackId, planId: plan.id, values: reasonValues('Off brand.') });
    expect(await planStatus(t, plan.id)).toBe('rejected');
    await waitForQuiet(t, plan.id);
    const shown = JSON.stringify((await rootMessage(t, plan.id)).message.blocks);
    expect(shown).toContain('Rejected by <@U0AVERY>');
    expect(shown).not.toContain(ACTIONS.approve);
  });
});
