import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { makeLinkedinAdapter } from '../../src/publish/destinations/linkedin.ts';
import { escapeLittleText } from '../../src/publish/networks/linkedin-api.ts';
import { makeContent } from './fixtures.ts';
import { readLittleText, startFakeLinkedin, type FakeLinkedin } from '../support/fake-linkedin.ts';
import { startFakeX, type FakeX } from '../support/fake-x.ts';
import { CONNECTING_ADMIN, connectLinkedinAccount, directMessagesTo, enqueuePublish, insertPublishingPlan, networkDepsOf, networksEnv, slackClientOf } from '../support/networks.ts';
import { waitForStatus } from '../support/pipeline.ts';
import { ENCRYPTION_KEY_HEX } from '../support/review.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

const TIMEOUT_MS = 1_500;
let t: TestApp;
let x: FakeX;
let linkedin: FakeLinkedin;

beforeAll(async () => {
  [x, linkedin] = await Promise.all([startFakeX(), startFakeLinkedin()]);
  t = await startTestApp({ env: { ENCRYPTION_KEY: ENCRYPTION_KEY_HEX, PUBLISH_TIMEOUT_MS: String(TIMEOUT_MS), ...networksEnv(x, linkedin) } });
});
afterAll(async () => {
  await t?.close();
  await Promise.all([x?.close(), linkedin?.close()]);
});
beforeEach(async () => {
  linkedin.posts.length = 0;
  linkedin.requests.length = 0;
  await t.database.sql`delete from connected_accounts`;
  await t.database.sql`delete from publish_destinations`;
});

const TRICKY = 'Focus better with #greentea (less caffeine) — thanks @matcha_fans! [1] *really* ~80 °C_ {ok} <3 | a\\b';

function context(accountId: string, text: string, link?: string) {
  return {
    config: { kind: 'linkedin' as const, accountId },
    secret: '',
    slack: slackClientOf(t),
    timeoutMs: TIMEOUT_MS,
    network: { allowPrivate: true },
    content: makeContent({ variants: { linkedin: { text } } }),
    idempotencyKey: crypto.randomUUID(),
    attemptStartedAt: new Date(),
    ...(link === undefined ? {} : { link }),
  };
}

const postRequests = () => linkedin.requests.filter((request) => request.method === 'POST' && request.path === '/rest/posts');

describe('a LinkedIn member post', () => {
  test('a commentary with #, ( and @ (and every other reserved character) arrives whole, with the link as text', async () => {
    const { accountId } = await connectLinkedinAccount(t, linkedin);
    const result = await makeLinkedinAdapter(networkDepsOf(t)).publish(context(accountId, TRICKY, 'https://blog.example.com/green-tea'));
    expect(result).toMatchObject({ state: 'delivered', externalId: linkedin.posts[0]!.urn, url: `https://www.linkedin.com/feed/update/${linkedin.posts[0]!.urn}/` });
    expect(linkedin.posts).toHaveLength(1);
    expect(linkedin.posts[0]!.text).toBe(`${TRICKY}\n\nhttps://blog.example.com/green-tea`);
    const [request] = postRequests();
    expect(request!.headers['linkedin-version']).toBe(linkedin.version);
    expect(request!.headers['authorization']).toMatch(/^Bearer li-/);
  });

  test('the fake cuts an unescaped commentary as LinkedIn does, so the test above can fail', () => {
    expect(readLittleText('Focus with #greentea')).toBe('Focus with ');
    expect(readLittleText(escapeLittleText(TRICKY))).toBe(TRICKY);
  });

  test('422 DUPLICATE_POST names the existing post: taken as the result, nothing posted twice', async () => {
    const { accountId } = await connectLinkedinAccount(t, linkedin);
    const adapter = makeLinkedinAdapter(networkDepsOf(t));
    const first = await adapter.publish(context(accountId, 'Green tea, again.'));
    const second = await adapter.publish(context(accountId, 'Green tea, again.'));
    expect(postRequests()).toHaveLength(2);
    expect(linkedin.posts).toHaveLength(1);
    expect(second).toEqual({ state: 'delivered', retryable: false, status: 422, externalId: first.externalId, url: first.url });
  });

  test('a timeout after LinkedIn stored the post: the job\'s retry posts again and the duplicate answer settles it', async () => {
    const { destinationId } = await connectLinkedinAccount(t, linkedin);
    const planId = await insertPublishingPlan(t, { number: 300, variants: { linkedin: { text: 'Matcha (or sencha) for focus #tea' } }, destinations: [`dest:${destinationId}`] });
    linkedin.faultPost(1, 'hang_after_store');
    await enqueuePublish(t, planId);
    await waitForStatus(t, planId, 'published', 40_000);
    expect(linkedin.posts).toHaveLength(1);
    expect(postRequests()).toHaveLength(2);
    const [attempt] = await t.database.sql`select state, tries, external_id from publish_attempts where plan_id = ${planId}`;
    expect(attempt).toEqual({ state: 'delivered', tries: 2, external_id: linkedin.posts[0]!.urn });
  });

  test('errors are sorted: 429 and 5xx retryable, a retired version final with what to set', async () => {
    const { accountId } = await connectLinkedinAccount(t, linkedin);
    const adapter = makeLinkedinAdapter(networkDepsOf(t));
    linkedin.faultPost(1, 'rate_limited');
    expect(await adapter.publish(context(accountId, 'One'))).toMatchObject({ state: 'failed', retryable: true, status: 429, retryAfterSeconds: 60 });
    linkedin.faultPost(1, 'server_error');
    expect(await adapter.publish(context(accountId, 'Two'))).toMatchObject({ state: 'unknown', retryable: true, status: 500 });
    const retired = makeLinkedinAdapter({ ...networkDepsOf(t), networks: { ...t.app.config.networks, linkedin: { ...t.app.config.networks.linkedin, version: '202401' } } });
    const result = await retired.publish(context(accountId, 'Three'));
    expect(result).toMatchObject({ state: 'failed', retryable: false, status: 426 });
    expect(result.reason).toBe('LinkedIn no longer serves API version 202401 (426); set LINKEDIN_VERSION to a current month (YYYYMM) and retry.');
  });

  test('an expired 60-day token: needs reconnect and a DM to the admins, without calling LinkedIn', async () => {
    const { accountId } = await connectLinkedinAccount(t, linkedin, { expiresInSeconds: -60 });
    const result = await makeLinkedinAdapter(networkDepsOf(t)).publish(context(accountId, 'Expired'));
    expect(result).toMatchObject({ state: 'failed', retryable: false });
    expect(postRequests()).toHaveLength(0);
    const [account] = await t.database.sql`select status from connected_accounts where id = ${accountId}`;
    expect(account!['status']).toBe('needs_reconnect');
    expect(directMessagesTo(t, CONNECTING_ADMIN).some((text) => text.includes('Jane Doe needs to be reconnected'))).toBe(true);
  });

  test('a token revoked on LinkedIn (401): needs reconnect', async () => {
    const { accountId } = await connectLinkedinAccount(t, linkedin);
    linkedin.revokeAll();
    const result = await makeLinkedinAdapter(networkDepsOf(t)).publish(context(accountId, 'Revoked'));
    expect(result).toMatchObject({ state: 'failed', retryable: false, status: 401 });
    const [account] = await t.database.sql`select status from connected_accounts where id = ${accountId}`;
    expect(account!['status']).toBe('needs_reconnect');
  });
});

test('Test signs in as the member and says how long the connection lasts', async () => {
  const { accountId } = await connectLinkedinAccount(t, linkedin);
  const check = { config: { kind: 'linkedin' as const, accountId }, secret: '', slack: slackClientOf(t), timeoutMs: TIMEOUT_MS, network: { allowPrivate: true } };
  const result = await makeLinkedinAdapter(networkDepsOf(t)).test(check);
  expect(result.ok).toBe(true);
  expect(result.message).toMatch(/^signed in to LinkedIn as Jane Doe; the connection lasts until \d{4}-\d{2}-\d{2}\.$/);
});
