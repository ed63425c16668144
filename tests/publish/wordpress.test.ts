import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import type { DestinationNetworkPolicy } from '../../src/publish/network-guard.ts';
import { AppError } from '../../src/errors.ts';
import type { WordpressDestination } from '../../src/publish/types.ts';
import { buildPostMarker, checkWordpressAuth, findPostBySlug, publishToWordpress, toWordpressSlug } from '../../src/publish/wordpress.ts';
import { type FakeWordpress, startFakeWordpress } from '../support/fake-wordpress.ts';
import { makeContent } from './fixtures.ts';

/** The fake servers listen on loopback, which ALLOW_PRIVATE_DESTINATIONS=true permits. */
const LOOPBACK: DestinationNetworkPolicy = { allowPrivate: true };

const username = 'editor';
const applicationPassword = 'abcd EFGH 1234 ijkl MNOP 5678';

let fake: FakeWordpress;
beforeEach(async () => {
  fake = await startFakeWordpress({ username, applicationPassword, displayName: 'Eddie Editor' });
});
afterEach(async () => {
  await fake.close();
});

function destination(overrides: Partial<WordpressDestination> = {}): WordpressDestination {
  return { kind: 'wordpress', siteUrl: fake.url, username, applicationPassword, status: 'publish', ...overrides };
}

const creates = () => fake.requests.filter((r) => r.method === 'POST');

describe('publishToWordpress', () => {
  test('creates the post with title, slug, HTML content, excerpt and status, authenticated', async () => {
    const content = makeContent();

    const result = await publishToWordpress({ network: LOOPBACK, destination: destination(), content });

    expect(fake.posts).toHaveLength(1);
    const [post] = fake.posts;
    expect(result).toEqual({ state: 'delivered', retryable: false, status: 201, url: `${fake.url}/green-tea-for-focus/`, externalId: String(post?.id) });
    expect(post).toMatchObject({ slug: 'green-tea-for-focus', status: 'publish', title: 'Green tea for focus', excerpt: content.post.metaDescription });
    expect(post?.content).toContain('<h2>Brewing</h2>');
    expect(post?.content).toContain(buildPostMarker(content.plan));
    const [lookup, create] = fake.requests;
    expect(lookup).toMatchObject({ method: 'GET', path: '/wp-json/wp/v2/posts', query: { slug: 'green-tea-for-focus', status: 'any', context: 'edit' } });
    expect(create).toMatchObject({ method: 'POST', path: '/wp-json/wp/v2/posts', status: 201 });
    const expectedAuth = `Basic ${Buffer.from(`${username}:abcdEFGH1234ijklMNOP5678`).toString('base64')}`;
    expect(fake.requests.every((r) => r.headers.authorization === expectedAuth)).toBe(true);
  });

  test('a second call with the same slug finds the post and creates no other', async () => {
    const content = makeContent();
    const first = await publishToWordpress({ network: LOOPBACK, destination: destination({ status: 'draft' }), content });
    const second = await publishToWordpress({ network: LOOPBACK, destination: destination({ status: 'draft' }), content });

    expect(first.state).toBe('delivered');
    expect(first.url).toBe(`${fake.url}/?p=${fake.posts[0]?.id}`);
    expect(second).toEqual({ state: 'delivered', retryable: false, url: first.url, externalId: first.externalId });
    expect(fake.posts).toHaveLength(1);
    expect(creates()).toHaveLength(1);
  });

  test('a create that times out after WordPress saved it is unknown; the retry finds it', async () => {
    fake.hangNext(1, { method: 'POST' });
    const content = makeContent();

    const first = await publishToWordpress({ network: LOOPBACK, destination: destination(), content, timeoutMs: 150 });
    const retry = await publishToWordpress({ network: LOOPBACK, destination: destination(), content, timeoutMs: 150 });

    expect(first).toMatchObject({ state: 'unknown', retryable: true });
    expect(first.reason).toMatch(/looks the post up by its slug/);
    expect(retry).toMatchObject({ state: 'delivered', externalId: String(fake.posts[0]?.id) });
    expect(fake.posts).toHaveLength(1);
  });

  test('server errors are retryable: failed before the create, unknown after it', async () => {
    fake.failNext(503, 1, { method: 'GET' });
    expect(await publishToWordpress({ network: LOOPBACK, destination: destination(), content: makeContent() })).toMatchObject({
      state: 'failed',
      retryable: true,
      status: 503,
    });
    expect(fake.posts).toHaveLength(0);

    fake.failNext(500, 1, { method: 'POST' });
    expect(await publishToWordpress({ network: LOOPBACK, destination: destination(), content: makeContent() })).toMatchObject({
      state: 'unknown',
      retryable: true,
      status: 500,
    });
  });

  test('401 is final, with a sentence naming the user', async () => {
    const result = await publishToWordpress({ network: LOOPBACK, destination: destination({ applicationPassword: 'wrong wrong wrong wrong' }), content: makeContent() });

    expect(result).toEqual({
      state: 'failed',
      retryable: false,
      status: 401,
      reason: 'WordPress rejected the application password for editor (401); update it in the App Home.',
    });
    expect(creates()).toHaveLength(0);
  });

  test('a user who may not publish gets a sentence about the role', async () => {
    await fake.close();
    fake = await startFakeWordpress({ username, applicationPassword, capabilities: { read: true, edit_posts: true } });

    const result = await publishToWordpress({ network: LOOPBACK, destination: destination(), content: makeContent() });

    expect(result).toMatchObject({ state: 'failed', retryable: false, status: 403 });
    expect(result.reason).toBe('WordPress does not let editor publish posts (403); give them the Author role, or set the destination to draft in the App Home.');
  });

  test('a post with the slug that this plan did not make is not claimed, and nothing is created', async () => {
    fake.addPost({ slug: 'green-tea-for-focus', title: 'Someone else’s post', content: '<p>Older</p>' });

    const result = await publishToWordpress({ network: LOOPBACK, destination: destination(), content: makeContent() });

    expect(result).toMatchObject({ state: 'failed', retryable: false });
    expect(result.reason).toMatch(/already has a post with the slug “green-tea-for-focus”/);
    expect(creates()).toHaveLength(0);
  });

  test('a site without the REST API is a final failure pointing at the site URL', async () => {
    const result = await publishToWordpress({ network: LOOPBACK, destination: destination({ siteUrl: `${fake.url}/not-wordpress` }), content: makeContent() });
    // The fake serves /wp-json only at its root, so a wrong sub-path gets its HTML 404.
    expect(result).toMatchObject({ state: 'failed', retryable: false, status: 404 });
    expect(result.reason).toMatch(/no WordPress REST API/);
  });
});

describe('findPostBySlug', () => {
  test('undefined before, the post after; drafts included', async () => {
    const auth = { username, applicationPassword };
    expect(await findPostBySlug({ network: LOOPBACK, siteUrl: fake.url, auth, slug: 'green-tea-for-focus' })).toBeUndefined();
    const added = fake.addPost({ slug: 'green-tea-for-focus', status: 'draft', content: 'x' });
    expect(await findPostBySlug({ network: LOOPBACK, siteUrl: fake.url, auth, slug: 'Green Tea for Focus' })).toEqual({
      id: added.id,
      slug: 'green-tea-for-focus',
      status: 'draft',
      link: `${fake.url}/?p=${added.id}`,
      contentRaw: 'x',
    });
  });

  test('a refused password throws a final AppError with the sentence', async () => {
    const error = await findPostBySlug({ network: LOOPBACK, siteUrl: fake.url, auth: { username, applicationPassword: 'nope' }, slug: 'x' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ code: 'UPSTREAM', message: 'WordPress rejected the application password for editor (401); update it in the App Home.' });
  });
});

describe('checkWordpressAuth', () => {
  test('signs in and says what the user can do, in a fixed sentence that shows nothing of the answer', async () => {
    expect(await checkWordpressAuth(destination(), { network: LOOPBACK })).toEqual({ ok: true, status: 200, message: 'Signed in to WordPress as editor, who can publish posts.' });
    const [request] = fake.requests;
    expect(request).toMatchObject({ method: 'GET', path: '/wp-json/wp/v2/users/me', query: { context: 'edit' } });
  });

  test('401 is reported with the sentence', async () => {
    expect(await checkWordpressAuth(destination({ applicationPassword: 'bad' }), { network: LOOPBACK })).toEqual({
      ok: false,
      status: 401,
      message: 'WordPress rejected the application password for editor (401); update it in the App Home.',
    });
  });

  test('a contributor passes for drafts and fails for publishing', async () => {
    await fake.close();
    fake = await startFakeWordpress({ username, applicationPassword, capabilities: { read: true, edit_posts: true } });
    expect(await checkWordpressAuth(destination({ status: 'draft' }), { network: LOOPBACK })).toMatchObject({ ok: true });
    expect(await checkWordpressAuth(destination({ status: 'publish' }), { network: LOOPBACK })).toMatchObject({ ok: false, message: expect.stringMatching(/cannot publish posts/) });
  });

  test('an unreachable site fails within the timeout, without saying whether the port was closed', async () => {
    const gone = fake.url;
    await fake.close();
    fake = await startFakeWordpress({ username, applicationPassword });
    const check = await checkWordpressAuth(destination({ siteUrl: gone }), { timeoutMs: 500, network: LOOPBACK });
    expect(check).toEqual({ ok: false, message: 'WordPress did not answer within 0.5 s: no answer came (the connection was refused, timed out or broke); check the URL and that the server is up.' });
  });
});

describe('the fake answers like WordPress without credentials', () => {
  test('each route has its own refusal shape', async () => {
    const me = await fetch(`${fake.url}/wp-json/wp/v2/users/me`);
    expect(me.status).toBe(401);
    expect(await me.json()).toEqual({ code: 'rest_not_logged_in', message: 'You are not currently logged in.', data: { status: 401 } });
    const create = await fetch(`${fake.url}/wp-json/wp/v2/posts`, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } });
    expect(await create.json()).toMatchObject({ code: 'rest_cannot_create', data: { status: 401 } });
    const published = await fetch(`${fake.url}/wp-json/wp/v2/posts`);
    expect(published.status).toBe(200);
  });

  test('a published post keeps its slug unique; drafts keep what they were given', async () => {
    fake.addPost({ slug: 'same', status: 'publish' });
    const auth = `Basic ${Buffer.from(`${username}:${applicationPassword}`).toString('base64')}`;
    const create = (status: string) =>
      fetch(`${fake.url}/wp-json/wp/v2/posts`, {
        method: 'POST',
        headers: { authorization: auth, 'content-type': 'application/json' },
        body: JSON.stringify({ title: 'T', slug: 'same', status }),
      }).then((r) => r.json() as Promise<{ slug: string }>);
    expect((await create('publish')).slug).toBe('same-2');
    expect((await create('draft')).slug).toBe('same');
  });
});

test('toWordpressSlug keeps what WordPress keeps', () => {
  expect(toWordpressSlug('Green Tea: Über Focus!')).toBe('green-tea-uber-focus');
  expect(toWordpressSlug('already-fine-123')).toBe('already-fine-123');
});
