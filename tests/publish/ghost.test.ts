import { afterEach, describe, expect, test } from 'vitest';
import type { WebClient } from '@slack/web-api';
import { ghostDestinationSchema, type GhostConfig } from '../../src/domain/destinations.ts';
import type { PublishCallContext } from '../../src/publish/destinations/adapter.ts';
import { ghostAdapter } from '../../src/publish/destinations/ghost.ts';
import { ghostPlanTag } from '../../src/publish/ghost.ts';
import { markdownToHtml } from '../../src/publish/html.ts';
import type { DestinationNetworkPolicy } from '../../src/publish/network-guard.ts';
import { type FakeGhost, startFakeGhost, verifyAdminToken } from '../support/fake-ghost.ts';
import { makeContent } from './fixtures.ts';

const LOOPBACK: DestinationNetworkPolicy = { allowPrivate: true };
const WITH_SOURCES = '# Green tea for focus\n\nGreen tea has less caffeine [[1]](https://example.org/tea).\n\n## Sources\n\n1. [Tea study](https://example.org/tea)\n';

let fake: FakeGhost | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

async function start(newsletters: string[] = []) {
  fake = await startFakeGhost({ newsletters });
  return fake;
}

function context(ghost: FakeGhost, config: Partial<GhostConfig> = {}, overrides: Partial<PublishCallContext<GhostConfig>> = {}): PublishCallContext<GhostConfig> {
  const content = makeContent();
  return {
    config: { kind: 'ghost', adminUrl: ghost.url, mode: 'publish', newsletter: '', ...config },
    secret: ghost.adminKey,
    slack: {} as WebClient,
    timeoutMs: 2_000,
    network: LOOPBACK,
    content: { ...content, post: { ...content.post, markdown: WITH_SOURCES, html: markdownToHtml(WITH_SOURCES) } },
    idempotencyKey: 'key-1',
    attemptStartedAt: new Date(),
    ...overrides,
  };
}

const adds = (ghost: FakeGhost) => ghost.requests.filter((r) => r.method === 'POST');

describe('publishing to Ghost', () => {
  test('looks the deterministic slug up, then creates the post with the HTML and sources, the excerpt and the image alt text, authenticated by the Admin JWT', async () => {
    const ghost = await start();
    const call = context(ghost);
    const result = await ghostAdapter.publish(call);

    expect(ghost.posts).toHaveLength(1);
    const [post] = ghost.posts;
    expect(result).toEqual({ state: 'delivered', retryable: false, externalId: post?.id, url: `${ghost.url}/green-tea-for-focus/` });
    expect(post).toMatchObject({
      slug: 'green-tea-for-focus',
      status: 'published',
      title: 'Green tea for focus',
      custom_excerpt: call.content.post.metaDescription,
      meta_description: call.content.post.metaDescription,
      feature_image_alt: call.content.post.metaDescription,
      tags: [{ name: ghostPlanTag(call.content.plan) }],
      newsletter: null,
    });
    expect(post?.html).toContain('<h2>Sources</h2>');
    expect(post?.html).toContain('https://example.org/tea');
    const [lookup, create] = ghost.requests;
    expect(lookup).toMatchObject({ method: 'GET', path: '/ghost/api/admin/posts/', query: { filter: 'slug:green-tea-for-focus', include: 'tags', limit: '1' } });
    expect(create).toMatchObject({ method: 'POST', path: '/ghost/api/admin/posts/', query: { source: 'html' }, status: 201 });
    expect(create?.query.newsletter).toBeUndefined();
    const [id, secret] = ghost.adminKey.split(':') as [string, string];
    for (const request of ghost.requests) {
      expect(request.headers.authorization).toMatch(/^Ghost /);
      expect(verifyAdminToken(String(request.headers.authorization).slice('Ghost '.length), { id, secret })).toBeNull();
      expect(request.headers['accept-version']).toBe('v6.0');
    }
  });

  test('draft mode saves a draft, linked by its preview URL', async () => {
    const ghost = await start();
    const result = await ghostAdapter.publish(context(ghost, { mode: 'draft' }));
    expect(ghost.posts[0]?.status).toBe('draft');
    expect(result.url).toBe(`${ghost.url}/p/${ghost.posts[0]?.uuid}/`);
  });

  test('a create whose answer was lost: the retry finds the slug and makes no duplicate, and the newsletter goes out once', async () => {
    const ghost = await start(['weekly']);
    ghost.hangNext(1, { method: 'POST' });
    const config = { mode: 'publish_and_email' as const, newsletter: 'weekly' };

    const first = await ghostAdapter.publish(context(ghost, config, { timeoutMs: 300 }));
    expect(first).toMatchObject({ state: 'unknown', retryable: true, reason: expect.stringMatching(/looks the post up by its slug/) });
    expect(await ghostAdapter.reconcile(context(ghost, config))).toEqual({ outcome: 'absent' });
    const retry = await ghostAdapter.publish(context(ghost, config));

    expect(ghost.posts).toHaveLength(1);
    expect(ghost.posts.map((post) => post.slug)).toEqual(['green-tea-for-focus']);
    expect(retry).toMatchObject({ state: 'delivered', externalId: ghost.posts[0]?.id });
    expect(ghost.emails).toEqual([{ postId: ghost.posts[0]?.id, newsletter: 'weekly', segment: 'all' }]);
    expect(adds(ghost)).toHaveLength(1);
    expect(adds(ghost)[0]?.query).toEqual({ source: 'html', newsletter: 'weekly', email_segment: 'all' });
  });

  test('without the lookup Ghost would have suffixed the slug: the fake plays that', async () => {
    const ghost = await start();
    ghost.addPost({ slug: 'green-tea-for-focus', title: 'Someone else’s post' });
    const result = await ghostAdapter.publish(context(ghost));
    expect(result).toMatchObject({ state: 'failed', retryable: false, reason: expect.stringMatching(/already has a post with the slug “green-tea-for-focus”/) });
    expect(adds(ghost)).toHaveLength(0);

    // Straight to the fake: a second post with the slug comes back as "-2", without an error.
    const { default: GhostAdminAPI } = await import('@tryghost/admin-api');
    const api = GhostAdminAPI({ url: ghost.url, key: ghost.adminKey, version: 'v6.0' });
    const created = (await api.posts.add({ title: 'Again', slug: 'green-tea-for-focus' })) as { slug: string };
    expect(created.slug).toBe('green-tea-for-focus-2');
  });

  test('the newsletter is emailed only when the destination is set to email and names one', async () => {
    const ghost = await start(['weekly']);
    await ghostAdapter.publish(context(ghost, { mode: 'publish', newsletter: 'weekly' }));
    expect(ghost.emails).toEqual([]);
    expect(adds(ghost)[0]?.query.newsletter).toBeUndefined();

    expect(ghostDestinationSchema.safeParse({ kind: 'ghost', adminUrl: ghost.url, mode: 'publish_and_email', newsletter: '' }).error?.issues).toEqual([
      expect.objectContaining({ path: ['newsletter'], message: 'Enter the newsletter to email, or choose to publish without emailing.' }),
    ]);
  });

  test('a refused key is final; 5xx on create is unknown; 429 is retryable', async () => {
    const ghost = await start();
    const wrongKey = `${ghost.adminKey.split(':')[0]}:${'0'.repeat(64)}`;
    expect(await ghostAdapter.publish(context(ghost, {}, { secret: wrongKey }))).toMatchObject({ state: 'failed', retryable: false, status: 401 });
    ghost.failNext(429, 1, { method: 'GET' });
    expect(await ghostAdapter.publish(context(ghost))).toMatchObject({ state: 'failed', retryable: true, status: 429, retryAfterSeconds: 2 });
    ghost.failNext(502, 1, { method: 'POST' });
    expect(await ghostAdapter.publish(context(ghost))).toMatchObject({ state: 'unknown', retryable: true, status: 502 });
    expect(ghost.posts).toHaveLength(0);
  });

  test('the fake refuses an edit with a stale updated_at, as Ghost does', async () => {
    const ghost = await start();
    const post = ghost.addPost({ slug: 'edited' });
    const { default: GhostAdminAPI } = await import('@tryghost/admin-api');
    const api = GhostAdminAPI({ url: ghost.url, key: ghost.adminKey, version: 'v6.0' }) as unknown as { posts: { edit(data: Record<string, unknown>): Promise<unknown> } };
    await api.posts.edit({ id: post.id, title: 'First', updated_at: post.updated_at });
    const stale = await api.posts.edit({ id: post.id, title: 'Second', updated_at: '2026-12-01T09:00:00.000Z' }).catch((error: unknown) => error);
    expect(stale).toMatchObject({ name: 'UpdateCollisionError' });
    expect(post.title).toBe('First');
  });
});

describe('the Test button', () => {
  test('signs in with the key, and says when it is refused', async () => {
    const ghost = await start(['weekly']);
    expect(await ghostAdapter.test(context(ghost, { mode: 'publish_and_email', newsletter: 'weekly' }))).toEqual({
      ok: true,
      status: 200,
      message: `Signed in to Ghost at ${new URL(ghost.url).host} with the Admin API key; posts are emailed to the “weekly” newsletter.`,
    });
    const wrongKey = `${'a'.repeat(24)}:${'0'.repeat(64)}`;
    expect(await ghostAdapter.test(context(ghost, {}, { secret: wrongKey }))).toMatchObject({ ok: false, status: 401, message: expect.stringMatching(/refused the Admin API key/) });
  });
});
