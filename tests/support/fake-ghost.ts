import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readBody, parseJson } from './request-body.ts';

/**
 * A Ghost 6 site's Admin API on 127.0.0.1, as far as posting needs it, answering like Ghost:
 * - `Authorization: Ghost <JWT>`: an HS256 token signed with the hex-decoded secret of an Admin API key,
 *   `kid` its id, audience `/admin/`, at most 5 minutes between `iat` and `exp`, not expired. Anything
 *   else is 401 with Ghost's `{ errors: [{ message, type }] }`.
 * - `GET /ghost/api/admin/posts/?filter=slug:…&include=tags&limit=`: every status; `{ posts, meta }`.
 * - `POST /ghost/api/admin/posts/?source=html[&newsletter=&email_segment=]`: `{ posts: [post] }`; a slug
 *   another post has is silently suffixed (`-2`); `newsletter` is honoured only for a published post and
 *   a newsletter the site has (else 404), and sends one email.
 * - `PUT /ghost/api/admin/posts/{id}/`: needs the post's current `updated_at`, else 409 UpdateCollisionError.
 * Faults: `failNext` answers a status and changes nothing; `hangNext` does the work and never answers.
 */
export type FakeGhostPost = {
  id: string;
  uuid: string;
  slug: string;
  title: string;
  html: string;
  status: 'draft' | 'published' | 'scheduled';
  custom_excerpt: string | null;
  meta_description: string | null;
  feature_image_alt: string | null;
  tags: { name: string }[];
  newsletter: string | null;
  updated_at: string;
};

export type FakeGhostRequest = { method: string; path: string; query: Record<string, string>; headers: IncomingHttpHeaders; body: unknown; status: number | 'hang' };
type RequestFilter = { method?: string };

export type FakeGhost = {
  /** The Admin API URL, as an admin enters it. */
  url: string;
  /** The Admin API key the fake accepts (`id:secret`). */
  adminKey: string;
  posts: FakeGhostPost[];
  /** Newsletter emails sent: one per post emailed. */
  emails: { postId: string; newsletter: string; segment: string }[];
  requests: FakeGhostRequest[];
  addPost(post: Partial<FakeGhostPost> & { slug: string }): FakeGhostPost;
  failNext(status: number, times?: number, filter?: RequestFilter): void;
  hangNext(times?: number, filter?: RequestFilter): void;
  close(): Promise<void>;
};

type Answer = { status: number; body: unknown; headers?: Record<string, string> };

function ghostError(status: number, type: string, message: string): Answer {
  return { status, body: { errors: [{ message, context: null, type, details: null, property: null, help: null, code: null, id: randomBytes(8).toString('hex') }] } };
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

function decodePart(part: string | undefined): Record<string, unknown> | undefined {
  if (part === undefined) return undefined;
  const parsed = parseJson(Buffer.from(part, 'base64url').toString('utf8'));
  return isObject(parsed) ? parsed : undefined;
}

/** Checks a Ghost Admin token: null when it is valid, else why not. */
export function verifyAdminToken(token: string, { id, secret }: { id: string; secret: string }, now: Date = new Date()): string | null {
  const [headerPart, payloadPart, signaturePart, ...rest] = token.split('.');
  if (rest.length > 0 || signaturePart === undefined) return 'not a JWT';
  const header = decodePart(headerPart);
  const payload = decodePart(payloadPart);
  if (header?.alg !== 'HS256' || header.typ !== 'JWT') return 'not HS256';
  if (header.kid !== id) return 'unknown key id';
  const expected = createHmac('sha256', Buffer.from(secret, 'hex')).update(`${headerPart}.${payloadPart}`).digest();
  const given = Buffer.from(signaturePart, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return 'bad signature';
  if (payload?.aud !== '/admin/') return 'wrong audience';
  const iat = Number(payload.iat);
  const exp = Number(payload.exp);
  if (!Number.isFinite(iat) || !Number.isFinite(exp) || exp - iat > 300) return 'lifetime over 5 minutes';
  if (exp * 1000 < now.getTime()) return 'expired';
  return null;
}

export async function startFakeGhost({ newsletters = [] }: { newsletters?: string[] } = {}): Promise<FakeGhost> {
  const id = randomBytes(12).toString('hex');
  const secret = randomBytes(32).toString('hex');
  const posts: FakeGhostPost[] = [];
  const emails: FakeGhost['emails'] = [];
  const requests: FakeGhostRequest[] = [];
  const faults: { status: number | 'hang'; filter: RequestFilter }[] = [];
  let origin = '';
  let tick = 0;

  const stamp = () => new Date(Date.UTC(2026, 11, 1, 9, 0, tick++)).toISOString().replace(/\.\d{3}Z$/, '.000Z');

  function addPost(partial: Partial<FakeGhostPost> & { slug: string }): FakeGhostPost {
    const post: FakeGhostPost = {
      id: partial.id ?? randomBytes(12).toString('hex'),
      uuid: partial.uuid ?? crypto.randomUUID(),
      slug: partial.slug,
      title: partial.title ?? partial.slug,
      html: partial.html ?? '',
      status: partial.status ?? 'published',
      custom_excerpt: partial.custom_excerpt ?? null,
      meta_description: partial.meta_description ?? null,
      feature_image_alt: partial.feature_image_alt ?? null,
      tags: partial.tags ?? [],
      newsletter: partial.newsletter ?? null,
      updated_at: partial.updated_at ?? stamp(),
    };
    posts.push(post);
    return post;
  }

  const postJson = (post: FakeGhostPost, withTags: boolean) => ({
    ...post,
    tags: withTags ? post.tags.map((tag) => ({ name: tag.name, slug: `hash-${tag.name.slice(1)}`, visibility: tag.name.startsWith('#') ? 'internal' : 'public' })) : undefined,
    url: post.status === 'published' ? `${origin}/${post.slug}/` : `${origin}/p/${post.uuid}/`,
    email: post.newsletter === null ? null : { id: `email-${post.id}` },
    newsletter: post.newsletter === null ? null : { slug: post.newsletter },
  });

  function uniqueSlug(slug: string): string {
    if (!posts.some((post) => post.slug === slug)) return slug;
    let suffix = 2;
    while (posts.some((post) => post.slug === `${slug}-${suffix}`)) suffix += 1;
    return `${slug}-${suffix}`;
  }

  function browse(query: Record<string, string>): Answer {
    const slug = /^slug:'?([^']+)'?$/.exec(query.filter ?? '')?.[1];
    const limit = Math.max(1, Number(query.limit ?? 15) || 15);
    const found = posts.filter((post) => slug === undefined || post.slug === slug);
    const withTags = (query.include ?? '').split(',').includes('tags');
    return {
      status: 200,
      body: { posts: found.slice(0, limit).map((post) => postJson(post, withTags)), meta: { pagination: { page: 1, limit, pages: Math.max(1, Math.ceil(found.length / limit)), total: found.length, next: null, prev: null } } },
    };
  }

  function add(query: Record<string, string>, body: unknown): Answer {
    const data = isObject(body) && Array.isArray(body.posts) && isObject(body.posts[0]) ? body.posts[0] : undefined;
    if (!data || typeof data.title !== 'string' || data.title.trim() === '') return ghostError(422, 'ValidationError', 'Validation error, cannot save post.');
    if (query.source !== 'html' && typeof data.html === 'string') return ghostError(422, 'ValidationError', 'html needs ?source=html.');
    const status = data.status ?? 'draft';
    if (status !== 'draft' && status !== 'published') return ghostError(422, 'ValidationError', 'Validation (isIn) failed for status');
    if (typeof data.feature_image_alt === 'string' && data.feature_image_alt.length > 191) return ghostError(422, 'ValidationError', 'Value in [posts.feature_image_alt] exceeds maximum length of 191 characters.');
    if (query.newsletter !== undefined && !newsletters.includes(query.newsletter)) return ghostError(404, 'NotFoundError', 'The newsletter could not be found.');
    const tags = Array.isArray(data.tags) ? data.tags.filter(isObject).map((tag) => ({ name: String(tag.name) })) : [];
    const isEmailed = status === 'published' && query.newsletter !== undefined;
    const post = addPost({
      slug: uniqueSlug(typeof data.slug === 'string' && data.slug !== '' ? data.slug : data.title.toLowerCase().replace(/[^a-z0-9]+/g, '-')),
      title: data.title,
      html: typeof data.html === 'string' ? data.html : '',
      status,
      custom_excerpt: typeof data.custom_excerpt === 'string' ? data.custom_excerpt : null,
      meta_description: typeof data.meta_description === 'string' ? data.meta_description : null,
      feature_image_alt: typeof data.feature_image_alt === 'string' ? data.feature_image_alt : null,
      tags,
      newsletter: isEmailed ? query.newsletter! : null,
    });
    if (isEmailed) emails.push({ postId: post.id, newsletter: query.newsletter!, segment: query.email_segment ?? 'all' });
    return { status: 201, body: { posts: [postJson(post, true)] } };
  }

  function edit(postId: string, body: unknown): Answer {
    const post = posts.find((candidate) => candidate.id === postId);
    if (!post) return ghostError(404, 'NotFoundError', 'Post not found.');
    const data = isObject(body) && Array.isArray(body.posts) && isObject(body.posts[0]) ? body.posts[0] : undefined;
    if (!data || typeof data.updated_at !== 'string') return ghostError(422, 'ValidationError', 'Validation error, cannot edit post.');
    if (data.updated_at !== post.updated_at) return ghostError(409, 'UpdateCollisionError', 'Saving failed! Someone else is editing this post.');
    if (typeof data.title === 'string') post.title = data.title;
    post.updated_at = stamp();
    return { status: 200, body: { posts: [postJson(post, true)] } };
  }

  function route(method: string, path: string, query: Record<string, string>, body: unknown): Answer {
    if (path === '/ghost/api/admin/posts/' && method === 'GET') return browse(query);
    if (path === '/ghost/api/admin/posts/' && method === 'POST') return add(query, body);
    const match = /^\/ghost\/api\/admin\/posts\/([0-9a-f]{24})\/$/.exec(path);
    if (match && method === 'PUT') return edit(match[1]!, body);
    return ghostError(404, 'NotFoundError', 'Resource not found');
  }

  function takeFault(method: string): number | 'hang' | undefined {
    const index = faults.findIndex(({ filter }) => filter.method === undefined || filter.method === method);
    return index === -1 ? undefined : faults.splice(index, 1)[0]?.status;
  }

  function send(res: ServerResponse, answer: Answer) {
    res.writeHead(answer.status, { 'content-type': 'application/json; charset=utf-8', ...answer.headers });
    res.end(JSON.stringify(answer.body));
  }

  const server = createServer((req, res) => {
    readBody(req)
      .then((raw) => {
        const url = new URL(req.url ?? '/', 'http://localhost');
        const method = req.method ?? 'GET';
        const query = Object.fromEntries(url.searchParams);
        const body = parseJson(raw);
        const record = (status: number | 'hang') => requests.push({ method, path: url.pathname, query, headers: req.headers, body, status });
        const header = req.headers.authorization ?? '';
        const refusal = header.startsWith('Ghost ') ? verifyAdminToken(header.slice('Ghost '.length), { id, secret }) : 'no Ghost token';
        if (refusal !== null) {
          record(401);
          return send(res, ghostError(401, 'UnauthorizedError', `Authorization failed: ${refusal}`));
        }
        if (req.headers['accept-version'] === undefined) {
          record(400);
          return send(res, ghostError(400, 'BadRequestError', 'Accept-Version header is required.'));
        }
        const fault = takeFault(method);
        if (typeof fault === 'number') {
          record(fault);
          return send(res, { ...ghostError(fault, fault === 429 ? 'TooManyRequestsError' : 'InternalServerError', `Fake failure ${fault}.`), ...(fault === 429 ? { headers: { 'retry-after': '2' } } : {}) });
        }
        const answer = route(method, url.pathname, query, body);
        record(fault === 'hang' ? 'hang' : answer.status);
        if (fault !== 'hang') send(res, answer);
      })
      .catch((error: unknown) => {
        if (!res.headersSent) send(res, ghostError(500, 'InternalServerError', String(error)));
      });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url: origin,
    adminKey: `${id}:${secret}`,
    posts,
    emails,
    requests,
    addPost,
    failNext(status, times = 1, filter = {}) {
      for (let i = 0; i < times; i += 1) faults.push({ status, filter });
    },
    hangNext(times = 1, filter = {}) {
      for (let i = 0; i < times; i += 1) faults.push({ status: 'hang', filter });
    },
    close() {
      return new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
