import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import type { BotDeps } from '../../src/bot/deps.ts';
import { destinationOptions } from '../../src/bot/services/review-context.ts';
import { findPlan } from '../../src/db/plans.ts';
import { updateWorkspaceSettings } from '../../src/db/settings.ts';
import { BUILT_IN_DESTINATION_ADAPTERS, makeDestinationRegistry, makeNetworkDestinationAdapters } from '../../src/publish/registry.ts';
import { xAccessToken } from '../../src/publish/networks/accounts.ts';
import { makeXThreadAdapter, normalizeTweetText } from '../../src/publish/destinations/x-thread.ts';
import { makeContent } from './fixtures.ts';
import { startFakeLinkedin, type FakeLinkedin } from '../support/fake-linkedin.ts';
import { startFakeX, type FakeX } from '../support/fake-x.ts';
import {
  CONNECTING_ADMIN,
  connectXAccount,
  directMessagesTo,
  enqueuePublish,
  insertPublishingPlan,
  networkDepsOf,
  networksEnv,
  slackClientOf,
} from '../support/networks.ts';
import { TEAM, waitForStatus } from '../support/pipeline.ts';
import { ENCRYPTION_KEY_HEX } from '../support/review.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

const TIMEOUT_MS = 1_500;
let t: TestApp;
let x: FakeX;
let linkedin: FakeLinkedin;
let planNumber = 100;

beforeAll(async () => {
  [x, linkedin] = await Promise.all([startFakeX(), startFakeLinkedin()]);
  t = await startTestApp({ env: { ENCRYPTION_KEY: ENCRYPTION_KEY_HEX, PUBLISH_TIMEOUT_MS: String(TIMEOUT_MS), ...networksEnv(x, linkedin) } });
});
afterAll(async () => {
  await t?.close();
  await Promise.all([x?.close(), linkedin?.close()]);
});
beforeEach(async () => {
  x.tweets.length = 0;
  x.requests.length = 0;
  await t.database.sql`delete from connected_accounts`;
  await t.database.sql`delete from publish_destinations`;
});

const thread = (tag: string) => [
  `Green tea helps you focus ${tag}`,
  `It has less caffeine than coffee ${tag}`,
  `Brew it at 80 °C ${tag}`,
  `Read more: https://blog.example.com/green-tea-${tag}`,
];
/** The posts as the publish job finishes them: numbered "n/N" on a line of their own. */
const numbered = (posts: string[]) => posts.map((post, index) => `${post}\n\n${index + 1}/${posts.length}`);
const tweetPosts = () => x.requests.filter((request) => request.method === 'POST' && request.path === '/2/tweets');

function context(accountId: string, posts: string[], idempotencyKey: string, attemptStartedAt = new Date()) {
  return {
    config: { kind: 'x_thread' as const, accountId },
    secret: '',
    slack: slackClientOf(t),
    timeoutMs: TIMEOUT_MS,
    network: { allowPrivate: true },
    content: makeContent({ variants: { x_thread: { posts } } }),
    idempotencyKey,
    attemptStartedAt,
  };
}

describe('an X thread published by the publish job', () => {
  test('X stores post 2 of 4 and times out: the retry finds post 2 on the timeline and posts only 3 and 4', async () => {
    const { destinationId } = await connectXAccount(t, x);
    const posts = thread('timeout');
    const planId = await insertPublishingPlan(t, { number: (planNumber += 1), variants: { x_thread: { posts } }, destinations: [`dest:${destinationId}`] });
    x.faultTweet(2, 'hang_after_store');
    await enqueuePublish(t, planId);
    await waitForStatus(t, planId, 'published', 40_000);

    expect(x.tweets.map((tweet) => tweet.text)).toEqual(numbered(posts));
    // Each post replies to the one before it.
    expect(x.tweets.map((tweet) => tweet.inReplyTo)).toEqual([undefined, x.tweets[0]!.id, x.tweets[1]!.id, x.tweets[2]!.id]);
    // Sent: 1, 2 (hung), then 3 and 4 only.
    expect(tweetPosts().map((request) => (request.body as { text: string }).text)).toEqual(numbered(posts));
    const [attempt] = await t.database.sql`select state, tries, external_id, url from publish_attempts where plan_id = ${planId}`;
    expect(attempt).toMatchObject({ state: 'delivered', tries: 2, external_id: x.tweets[0]!.id, url: `https://x.com/acme/status/${x.tweets[0]!.id}` });
    const stored = await t.database.sql`select position, tweet_id from x_thread_posts order by position`;
    expect(stored.map((row) => row['tweet_id'])).toEqual(x.tweets.map((tweet) => tweet.id));
  });

  test('a 503 after X stored the first post, whose link X shows as t.co: reconciled by the expanded URL, not posted twice', async () => {
    const { destinationId } = await connectXAccount(t, x);
    const posts = ['Read it: https://blog.example.com/matcha?utm=1 & enjoy', 'Second post'];
    const planId = await insertPublishingPlan(t, { number: (planNumber += 1), variants: { x_thread: { posts } }, destinations: [`dest:${destinationId}`] });
    x.faultTweet(1, 'server_error_after_store');
    await enqueuePublish(t, planId);
    await waitForStatus(t, planId, 'published', 40_000);
    expect(x.tweets.map((tweet) => tweet.text)).toEqual(numbered(posts));
    expect(tweetPosts()).toHaveLength(2);
  });
});

describe('the X thread adapter', () => {
  test('403 duplicate content for a post this attempt made: found on the timeline and taken as posted', async () => {
    const { accountId } = await connectXAccount(t, x);
    const adapter = makeXThreadAdapter(networkDepsOf(t));
    const posts = thread('dup');
    const startedAt = new Date();
    // The first try posted the first post and timed out: its id never reached the database.
    const key = crypto.randomUUID();
    x.faultTweet(1, 'hang_after_store');
    const first = await adapter.publish(context(accountId, posts, key, startedAt));
    expect(first.state).toBe('unknown');
    // A try that does not reconcile first (as after a crash) meets X's duplicate check.
    const result = await adapter.publish(context(accountId, posts, key, startedAt));
    expect(result).toMatchObject({ state: 'delivered', externalId: x.tweets[0]!.id });
    expect(x.tweets.map((tweet) => tweet.text)).toEqual(posts);
  });

  test('403 duplicate of a post this attempt did not make: a final failure saying what to do', async () => {
    const { accountId } = await connectXAccount(t, x);
    const adapter = makeXThreadAdapter(networkDepsOf(t));
    await adapter.publish(context(accountId, ['Same words'], crypto.randomUUID(), new Date(Date.now() - 60 * 60_000)));
    // An hour later, with the earlier post outside this attempt's window... the fake keeps times, so move it.
    x.tweets[0]!.createdAt = new Date(Date.now() - 60 * 60_000);
    const result = await adapter.publish(context(accountId, ['Same words'], crypto.randomUUID(), new Date()));
    expect(result).toMatchObject({ state: 'failed', retryable: false, status: 403 });
    expect(result.reason).toMatch(/duplicate of an earlier post by @acme that this plan did not make; edit the X thread variant/);
    expect(x.tweets).toHaveLength(1);
  });

  test('429 is retryable, waits for X\'s x-rate-limit-reset, and says how far the thread got', async () => {
    const { accountId } = await connectXAccount(t, x);
    const adapter = makeXThreadAdapter(networkDepsOf(t));
    x.faultTweet(2, 'rate_limited');
    const result = await adapter.publish(context(accountId, thread('limit'), crypto.randomUUID()));
    expect(result).toMatchObject({ state: 'failed', retryable: true, status: 429 });
    expect(result.retryAfterSeconds).toBeGreaterThan(500);
    expect(result.reason).toMatch(/^Posted 1 of 4\. X is limiting how often @acme can post; it resets in 10 minutes/);
  });

  test('a revoked token marks the account "needs reconnect" and tells the admins by DM, once', async () => {
    const { accountId } = await connectXAccount(t, x);
    await updateWorkspaceSettings(t.database.db, { teamId: TEAM, actorId: 'U0OWNER', group: 'approvers', patch: { admins: ['U0OTHERADMIN'] } });
    const adapter = makeXThreadAdapter(networkDepsOf(t));
    x.revokeAll();
    const result = await adapter.publish(context(accountId, thread('revoked'), crypto.randomUUID()));
    expect(result).toMatchObject({ state: 'failed', retryable: false, status: 401 });
    expect(result.reason).toMatch(/an admin must reconnect the account in the App Home/);
    const [account] = await t.database.sql`select status, status_reason from connected_accounts where id = ${accountId}`;
    expect(account!['status']).toBe('needs_reconnect');
    for (const admin of [CONNECTING_ADMIN, 'U0OTHERADMIN']) {
      expect(directMessagesTo(t, admin).filter((text) => text.includes('@acme needs to be reconnected'))).toHaveLength(1);
    }
    // A second publish fails at once, without calling X or DMing again.
    const before = x.requests.length;
    const again = await adapter.publish(context(accountId, thread('revoked'), crypto.randomUUID()));
    expect(again.reason).toMatch(/must be reconnected in the App Home/);
    expect(x.requests.length).toBe(before);
    expect(directMessagesTo(t, CONNECTING_ADMIN).filter((text) => text.includes('@acme needs to be reconnected'))).toHaveLength(1);
  });
});

describe('X tokens', () => {
  test('two workers find the access token expiring: one refresh, and both post with the rotated token', async () => {
    const { accountId } = await connectXAccount(t, x, { expiresInSeconds: 30 });
    x.refreshDelayMs = 300;
    const refreshesBefore = x.refreshes;
    const [first, second] = await Promise.all([xAccessToken(networkDepsOf(t), accountId, TIMEOUT_MS), xAccessToken(networkDepsOf(t), accountId, TIMEOUT_MS)]);
    x.refreshDelayMs = 0;
    expect(x.refreshes - refreshesBefore).toBe(1);
    expect(first.ok && second.ok).toBe(true);
    if (!first.ok || !second.ok) return;
    expect(first.accessToken).toBe(second.accessToken);
    const [row] = await t.database.sql`select refresh_count, access_expires_at, access_token_encrypted, refresh_token_encrypted from connected_accounts where id = ${accountId}`;
    expect(row!['refresh_count']).toBe(1);
    expect(new Date(row!['access_expires_at'] as string).getTime()).toBeGreaterThan(Date.now() + 60 * 60_000);
    // Stored encrypted: neither token appears in the row.
    expect(JSON.stringify(row)).not.toContain(first.accessToken);
    // The new token works.
    const adapter = makeXThreadAdapter(networkDepsOf(t));
    expect(await adapter.publish(context(accountId, ['After the refresh'], crypto.randomUUID()))).toMatchObject({ state: 'delivered' });
  });

  test('a refresh token X refuses (revoked): needs reconnect, no retry loop', async () => {
    const { accountId } = await connectXAccount(t, x, { expiresInSeconds: 30 });
    x.revokeAll();
    const access = await xAccessToken(networkDepsOf(t), accountId, TIMEOUT_MS);
    expect(access.ok).toBe(false);
    if (access.ok) return;
    expect(access.result).toMatchObject({ state: 'failed', retryable: false });
    expect(access.needsReconnect?.reason).toMatch(/revoked or expired/);
  });
});

test('normalised text: t.co links expanded, X\'s HTML escapes undone, whitespace folded', () => {
  const shown = 'Read it &amp; enjoy:  https://t.co/abc123\n&lt;3';
  expect(normalizeTweetText(shown, [{ url: 'https://t.co/abc123', expanded_url: 'https://blog.example.com/tea/' }])).toBe(
    normalizeTweetText('Read it & enjoy: https://blog.example.com/tea <3'),
  );
  expect(normalizeTweetText('https://t.co/abc123', [{ url: 'https://t.co/abc123', expanded_url: 'https://a.example/x' }])).not.toBe(normalizeTweetText('https://a.example/y'));
});

test('the schedule modal offers the X destination with the thread\'s estimated cost at the configured prices', async () => {
  const { destinationId } = await connectXAccount(t, x);
  const posts = ['Green tea helps you focus.', 'It has less caffeine.', 'Read the post: {{post_url}}'];
  const planId = await insertPublishingPlan(t, { number: (planNumber += 1), variants: { x_thread: { posts } }, destinations: [] });
  const plan = (await findPlan(t.database.db, TEAM, planId))!;
  const registry = makeDestinationRegistry([...BUILT_IN_DESTINATION_ADAPTERS, ...makeNetworkDestinationAdapters(networkDepsOf(t))]);
  const options = await destinationOptions({ db: t.database.db, destinations: registry, networks: t.app.config.networks } as BotDeps, plan, { withCost: true });
  expect(options.find((option) => option.key === `dest:${destinationId}`)).toEqual({
    key: `dest:${destinationId}`,
    label: '@acme (X thread)',
    name: '@acme',
    isBlog: false,
    // Two posts at $0.015 and the one with the link at $0.20.
    description: '≈ $0.230 on X (3 posts, 1 with a link)',
  });
});

test('Test signs in as the account; a revoked account says to reconnect', async () => {
  const { accountId } = await connectXAccount(t, x);
  const adapter = makeXThreadAdapter(networkDepsOf(t));
  const check = { config: { kind: 'x_thread' as const, accountId }, secret: '', slack: slackClientOf(t), timeoutMs: TIMEOUT_MS, network: { allowPrivate: true } };
  expect(await adapter.test(check)).toEqual({ ok: true, message: 'signed in to X as @acme.' });
  x.revokeAll();
  const revoked = await adapter.test(check);
  expect(revoked).toMatchObject({ ok: false, status: 401 });
  expect(revoked.message).toMatch(/reconnect the account in the App Home/);
});
