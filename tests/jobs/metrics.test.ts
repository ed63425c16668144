/**
 * Engagement back in Slack: the real app's worker collects each published item's metrics from the
 * fakes on its schedule (the app's clock injected), and keeps one Performance reply in the plan's
 * thread up to date.
 */
import { randomUUID } from 'node:crypto';
import { parseCrontab } from 'graphile-worker';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { encryptSecret } from '../../src/crypto.ts';
import { accountTokenContext } from '../../src/db/connected-accounts.ts';
import { destinationSecretContext } from '../../src/db/destinations.ts';
import { CRONTAB, TASKS } from '../../src/jobs/queue.ts';
import { startFakeLinkedin, type FakeLinkedin } from '../support/fake-linkedin.ts';
import { startFakeMailchimp, type FakeMailchimp } from '../support/fake-mailchimp.ts';
import { startFakeX, type FakeX } from '../support/fake-x.ts';
import { connectLinkedinAccount, connectXAccount, networksEnv } from '../support/networks.ts';
import { PLAN_CHANNEL, TEAM } from '../support/pipeline.ts';
import { ENCRYPTION_KEY, ENCRYPTION_KEY_HEX } from '../support/review.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const API_KEY = '0123456789abcdef0123456789abcdef-us21';
const LIST_ID = 'a1b2c3d4e5';
const ANNOUNCE = 'C0ANNOUNCE';
const METRIC_TASKS = [TASKS.enqueueMetrics, TASKS.collectMetrics, TASKS.performanceReply];

let t: TestApp;
let x: FakeX;
let linkedin: FakeLinkedin;
let mailchimp: FakeMailchimp;
let clock = Date.now();
let planNumber = 0;

beforeAll(async () => {
  [x, linkedin, mailchimp] = await Promise.all([startFakeX(), startFakeLinkedin(), startFakeMailchimp({ apiKey: API_KEY, listIds: [LIST_ID] })]);
  t = await startTestApp({
    env: { ENCRYPTION_KEY: ENCRYPTION_KEY_HEX, MAILCHIMP_API_URL: mailchimp.url, ...networksEnv(x, linkedin) },
    now: () => new Date(clock),
  });
});
afterAll(async () => {
  await t?.close();
  await Promise.all([x?.close(), linkedin?.close(), mailchimp?.close()]);
});

/** A published plan whose message is in PLAN_CHANNEL; returns its id and the thread's ts. */
async function publishedPlan(): Promise<{ planId: string; threadTs: string }> {
  const message = t.slack.messages.seed({ channel: PLAN_CHANNEL, text: 'Plan', user: 'U0BOT' });
  planNumber += 1;
  const [plan] = await t.database.sql<{ id: string }[]>`
    insert into content_plans (team_id, number, source_key, author_id, topic, keyphrase, channels, post_channel_id, status, message_channel_id, message_ts)
    values (${TEAM}, ${planNumber}, ${`metrics-${planNumber}`}, 'U0MIA', 'Green tea and focus', 'green tea', '{x_thread,newsletter,linkedin}', ${PLAN_CHANNEL}, 'published', ${PLAN_CHANNEL}, ${message.ts})
    returning id`;
  return { planId: plan!.id, threadTs: message.ts };
}

async function deliveredAttempt(
  planId: string,
  { key, name, kind, externalId, url = null, publishedAt, idempotencyKey = randomUUID() }: { key: string; name: string; kind: string; externalId: string; url?: string | null; publishedAt: Date; idempotencyKey?: string },
) {
  await t.database.sql`
    insert into publish_attempts (team_id, plan_id, revision, destination_key, destination_name, destination_kind, idempotency_key, state, external_id, url, delivered_at)
    values (${TEAM}, ${planId}, 0, ${key}, ${name}, ${kind}, ${idempotencyKey}, 'delivered', ${externalId}, ${url}, ${publishedAt.toISOString()})`;
}

/** An X thread of two posts as the X destination leaves it: the tweets at X, their ids recorded in order. */
async function publishedThread(planId: string, destinationId: string, publishedAt: Date): Promise<string[]> {
  const idempotencyKey = randomUUID();
  const ids = [`19${planNumber}00000000000000001`, `19${planNumber}00000000000000002`];
  ids.forEach((id, position) => x.tweets.push({ id, authorId: x.account.id, text: `Post ${position + 1}`, inReplyTo: position === 0 ? undefined : ids[0], createdAt: publishedAt }));
  for (const [position, tweetId] of ids.entries()) {
    await t.database.sql`insert into x_thread_posts (team_id, idempotency_key, position, tweet_id) values (${TEAM}, ${idempotencyKey}, ${position}, ${tweetId})`;
  }
  await deliveredAttempt(planId, { key: `dest:${destinationId}`, name: '@acme', kind: 'x_thread', externalId: ids[0]!, url: `https://x.com/acme/status/${ids[0]}`, publishedAt, idempotencyKey });
  return ids;
}

async function mailchimpDestination(): Promise<string> {
  const id = randomUUID();
  const config = { serverPrefix: 'us21', listId: LIST_ID, fromName: 'Acme', replyTo: 'news@example.com', testEmail: 'editor@example.com', delivery: 'send' };
  await t.database.sql`
    insert into publish_destinations (id, team_id, kind, name, config, secret_encrypted)
    values (${id}, ${TEAM}, 'mailchimp', 'Newsletter', ${JSON.stringify(config)}::jsonb, ${encryptSecret(ENCRYPTION_KEY, API_KEY, destinationSecretContext({ teamId: TEAM, id }))})`;
  return id;
}

/** A sent campaign at the fake, as the Mailchimp destination leaves it. */
function sentCampaign(publishedAt: Date): string {
  const id = `camp${planNumber}${randomUUID().slice(0, 6)}`;
  mailchimp.campaigns.push({
    id,
    web_id: 1000 + planNumber,
    type: 'regular',
    status: 'sent',
    create_time: publishedAt.toISOString(),
    recipients: { list_id: LIST_ID },
    settings: { subject_line: 'Green tea', preview_text: 'Focus', title: `Plan #${planNumber} · key`, from_name: 'Acme', reply_to: 'news@example.com' },
    html: '<p>Green tea</p>',
    schedule_time: null,
  });
  return id;
}

/** Runs the cron's task once at the injected time and waits until every collection and reply it caused is done. */
async function runMetricsCron(at: number): Promise<void> {
  clock = at;
  await t.database.sql`select graphile_worker.add_job(${TASKS.enqueueMetrics}, '{}'::json)`;
  await expect
    .poll(
      async () => {
        const [row] = await t.database.sql<{ pending: number }[]>`
          select count(*)::int as pending from graphile_worker._private_jobs j join graphile_worker._private_tasks k on k.id = j.task_id
          where k.identifier in ${t.database.sql(METRIC_TASKS)} and j.attempts < j.max_attempts`;
        return row!.pending;
      },
      { timeout: 20_000, interval: 100 },
    )
    .toBe(0);
}

async function snapshotCount(planId: string): Promise<number> {
  const [row] = await t.database.sql<{ count: number }[]>`select count(*)::int as count from metric_snapshots where plan_id = ${planId}`;
  return row!.count;
}

function performanceReplies(threadTs: string) {
  return t.slack.callsTo('chat.postMessage').filter((call) => call.args['thread_ts'] === threadTs && String(call.args['text']).startsWith('Performance'));
}

function performanceUpdates(ts: string) {
  return t.slack.callsTo('chat.update').filter((call) => call.args['ts'] === ts);
}

test("the worker's crontab looks for due collections every ten minutes", () => {
  const items = parseCrontab(CRONTAB).filter((item) => item.task === TASKS.enqueueMetrics);
  expect(items).toHaveLength(1);
  expect(items[0]!.match({ min: 10, hour: 3, date: 1, month: 12, dow: 2 })).toBe(true);
  expect(items[0]!.match({ min: 15, hour: 3, date: 1, month: 12, dow: 2 })).toBe(false);
});

test('an X thread, a Mailchimp campaign and a Slack announcement: one Performance reply, updated in place, on the hourly then daily schedule, until 30 days', async () => {
  const publishedAt = new Date(clock);
  const { planId, threadTs } = await publishedPlan();
  const { destinationId: xDestination } = await connectXAccount(t, x);
  const tweets = await publishedThread(planId, xDestination, publishedAt);
  x.setMetrics(tweets[0]!, { impression_count: 1200, like_count: 30, retweet_count: 4, quote_count: 1, reply_count: 3 });
  x.setMetrics(tweets[1]!, { impression_count: 300, like_count: 5, retweet_count: 0, reply_count: 1 });
  const campaignId = sentCampaign(publishedAt);
  mailchimp.setReport(campaignId, { opens: 420, clicks: 37 });
  await deliveredAttempt(planId, { key: `dest:${await mailchimpDestination()}`, name: 'Newsletter', kind: 'mailchimp', externalId: campaignId, publishedAt });
  const announcement = t.slack.messages.seed({ channel: ANNOUNCE, text: 'New post', user: 'U0BOT' });
  t.slack.messages.setReactions(ANNOUNCE, announcement.ts, [
    { name: 'tada', users: ['U1', 'U2'], count: 2 },
    { name: 'eyes', users: ['U3'], count: 1 },
  ]);
  await deliveredAttempt(planId, { key: `slack:${ANNOUNCE}`, name: '#announce', kind: 'slack_channel', externalId: `${ANNOUNCE}:${announcement.ts}`, publishedAt });

  // Half an hour in, nothing is due yet.
  await runMetricsCron(publishedAt.getTime() + 0.5 * HOUR);
  expect(await snapshotCount(planId)).toBe(0);
  expect(performanceReplies(threadTs)).toHaveLength(0);

  // An hour in: the first collection posts the reply once, with the fakes' numbers.
  await runMetricsCron(publishedAt.getTime() + HOUR);
  expect(await snapshotCount(planId)).toBe(3);
  expect(performanceReplies(threadTs)).toHaveLength(1);
  const replyTs = (await t.database.sql<{ ts: string }[]>`select ts from thread_replies where plan_id = ${planId} and key = 'performance'`)[0]!.ts;
  expect(t.slack.messages.get(PLAN_CHANNEL, replyTs)?.thread_ts).toBe(threadTs);
  // Collections finish one by one; the reply shows them all once the last one is in.
  const first = JSON.stringify(t.slack.messages.get(PLAN_CHANNEL, replyTs)?.blocks);
  expect(first).toContain('1,500 impressions · 35 likes · 5 reposts · 4 replies');
  expect(first).toContain('420 opens · 37 clicks');
  expect(first).toContain('3 reactions');
  expect(first).not.toContain('not available');
  const updatesBefore = performanceUpdates(replyTs).length;

  // The numbers grow; a run before the next hour reads nothing, the next hour updates the same reply.
  x.setMetrics(tweets[0]!, { impression_count: 2400, like_count: 61 });
  mailchimp.setReport(campaignId, { opens: 512, clicks: 40 });
  await runMetricsCron(publishedAt.getTime() + 1.5 * HOUR);
  expect(await snapshotCount(planId)).toBe(3);
  await runMetricsCron(publishedAt.getTime() + 2 * HOUR);
  expect(await snapshotCount(planId)).toBe(6);
  expect(performanceReplies(threadTs)).toHaveLength(1);
  expect(performanceUpdates(replyTs).length).toBeGreaterThan(updatesBefore);
  const updated = JSON.stringify(t.slack.messages.get(PLAN_CHANNEL, replyTs)?.blocks);
  expect(updated).toContain('2,700 impressions · 66 likes · 5 reposts · 4 replies');
  expect(updated).toContain('512 opens · 40 clicks');

  // After 48 hours, once a day: 49 h is due (the 3rd hour's slot was missed), 50 h is not, 72 h is.
  await runMetricsCron(publishedAt.getTime() + 49 * HOUR);
  expect(await snapshotCount(planId)).toBe(9);
  await runMetricsCron(publishedAt.getTime() + 50 * HOUR);
  expect(await snapshotCount(planId)).toBe(9);
  await runMetricsCron(publishedAt.getTime() + 72 * HOUR);
  expect(await snapshotCount(planId)).toBe(12);
  // The last read is on day 30; after it, never again.
  await runMetricsCron(publishedAt.getTime() + 30 * DAY);
  expect(await snapshotCount(planId)).toBe(15);
  await runMetricsCron(publishedAt.getTime() + 31 * DAY);
  expect(await snapshotCount(planId)).toBe(15);
  expect(performanceReplies(threadTs)).toHaveLength(1);
});

test('a LinkedIn connection that may post but not read shows its likes and comments as not available, never 0', async () => {
  clock = Date.now();
  const publishedAt = new Date(clock);
  const { planId, threadTs } = await publishedPlan();
  const { destinationId } = await connectLinkedinAccount(t, linkedin);
  const urn = `urn:li:share:71${planNumber}0000000000000000`;
  linkedin.posts.push({ urn, author: `urn:li:person:${linkedin.member.sub}`, commentary: 'Green tea', text: 'Green tea' });
  linkedin.setSocialActions(urn, { likes: 12, comments: 2 });
  await deliveredAttempt(planId, { key: `dest:${destinationId}`, name: 'Jane Doe on LinkedIn', kind: 'linkedin', externalId: urn, publishedAt });

  await runMetricsCron(publishedAt.getTime() + HOUR);
  const [posted] = performanceReplies(threadTs);
  const blocks = JSON.stringify(posted!.args['blocks']);
  expect(blocks).toContain('likes and comments not available with this connection');
  expect(blocks).not.toMatch(/\b0 likes|\b12 likes/);
  const [snapshot] = await t.database.sql<{ values: unknown }[]>`select values from metric_snapshots where plan_id = ${planId}`;
  expect(snapshot!.values).toEqual({ likes: null, comments: null });
  // The scope is checked before asking: LinkedIn was not called for the post's social actions.
  expect(linkedin.requests.filter((request) => request.path.startsWith('/rest/socialActions'))).toHaveLength(0);
});

test('a LinkedIn connection with the read permission brings likes and comments back', async () => {
  clock = Date.now();
  const publishedAt = new Date(clock);
  const { planId, threadTs } = await publishedPlan();
  const { accountId, destinationId } = await connectLinkedinAccount(t, linkedin);
  const accessToken = linkedin.issueToken(5_184_000, ['openid', 'profile', 'w_member_social', 'r_member_social']);
  await t.database.sql`
    update connected_accounts set scopes = '{openid,profile,w_member_social,r_member_social}',
      access_token_encrypted = ${encryptSecret(ENCRYPTION_KEY, accessToken, accountTokenContext({ teamId: TEAM, id: accountId }, 'access'))}
    where id = ${accountId}`;
  const urn = `urn:li:share:72${planNumber}0000000000000000`;
  linkedin.posts.push({ urn, author: `urn:li:person:${linkedin.member.sub}`, commentary: 'Matcha', text: 'Matcha' });
  linkedin.setSocialActions(urn, { likes: 12, comments: 2 });
  await deliveredAttempt(planId, { key: `dest:${destinationId}`, name: 'Jane Doe on LinkedIn', kind: 'linkedin', externalId: urn, publishedAt });

  await runMetricsCron(publishedAt.getTime() + HOUR);
  const [posted] = performanceReplies(threadTs);
  expect(JSON.stringify(posted!.args['blocks'])).toContain('12 likes · 2 comments');
});
