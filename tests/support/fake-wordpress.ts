import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readBody, parseJson } from './request-body.ts';

/**
 * A WordPress site's REST API on 127.0.0.1, as far as publishing needs it, answering like WordPress 6:
 * - Basic auth with an application password (WordPress drops everything but letters and digits from
 *   the password). Wrong credentials get 401 `incorrect_password` / `invalid_username` on any route;
 *   no credentials get each route's own refusal (`rest_not_logged_in`, `rest_forbidden_context`,
 *   `rest_cannot_create`, `rest_forbidden_status`).
 * - `GET /wp-json/wp/v2/posts?slug=&status=&context=&per_page=`: `status=any` covers every status but
 *   trash and auto-draft; `context=edit` adds the raw fields.
 * - `POST /wp-json/wp/v2/posts` (JSON): 201 with the post in the edit context; capabilities are checked
 *   (`edit_posts`, and `publish_posts` for `publish`); a published post's slug is made unique (`-2`),
 *   a draft keeps the slug it was given. Links: `<site>/<slug>/` once published, `<site>/?p=<id>` before.
 * - `GET /wp-json/wp/v2/users/me?context=edit`: the user with roles and capabilities.
 * Errors have WordPress's shape: `{ code, message, data: { status } }`.
 */
export type FakeWordpressPost = {
  id: number;
  slug: string;
  status: 'publish' | 'future' | 'draft' | 'pending' | 'private' | 'trash';
  title: string;
  content: string;
  excerpt: string;
  author: number;
  date: string;
};

export type FakeWordpressRequest = {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: IncomingHttpHeaders;
  body: unknown;
  /** What the fake answered, or `hang`. */
  status: number | 'hang';
};

export type FakeWordpressOptions = {
  username: string;
  applicationPassword: string;
  displayName?: string;
  /** Defaults to an author's: may create and publish posts. */
  capabilities?: Record<string, boolean>;
};

type RequestFilter = { method?: 'GET' | 'POST' };

export type FakeWordpress = {
  /** The site URL, as an admin would enter it. */
  url: string;
  posts: FakeWordpressPost[];
  requests: FakeWordpressRequest[];
  /** The next `times` matching requests get `status` with a WordPress error body, and change nothing. */
  failNext(status: number, times?: number, filter?: RequestFilter): void;
  /**
   * The next `times` matching requests are handled (a create does create the post) and then never
   * answered, like a site that times out after saving.
   */
  hangNext(times?: number, filter?: RequestFilter): void;
  /** Adds a post as if someone had written it in WordPress. */
  addPost(post: Partial<FakeWordpressPost> & { slug: string }): FakeWordpressPost;
  close(): Promise<void>;
};

type Json = Record<string, unknown>;
type Answer = { status: number; body: unknown; headers?: Record<string, string> };

const AUTHOR_CAPABILITIES = { read: true, edit_posts: true, publish_posts: true, upload_files: true, level_2: true };
const STATUSES = ['publish', 'future', 'draft', 'pending', 'private'] as const;
const USER_ID = 7;

function wpError(status: number, code: string, message: string): Answer {
  return { status, body: { code, message, data: { status } } };
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Roughly WordPress's sanitize_title: lowercase, accents dropped, anything else becomes a hyphen. */
function sanitizeTitle(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/<[^>]*>/g, '')
    .replace(/[^a-z0-9_\s-]/g, '')
    .replace(/[\s_]+/g, '-')
    .replace(/-+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 200);
}

export async function startFakeWordpress({
  username,
  applicationPassword,
  displayName = username,
  capabilities = AUTHOR_CAPABILITIES,
}: FakeWordpressOptions): Promise<FakeWordpress> {
  const posts: FakeWordpressPost[] = [];
  const requests: FakeWordpressRequest[] = [];
  const faults: { status: number | 'hang'; filter: RequestFilter }[] = [];
  const password = applicationPassword.replace(/[^a-z\d]/gi, '');
  let nextId = 100;
  let origin = '';

  const linkOf = (post: FakeWordpressPost) => (post.status === 'publish' ? `${origin}/${post.slug}/` : `${origin}/?p=${post.id}`);

  function postJson(post: FakeWordpressPost, context: 'view' | 'edit'): Json {
    const base: Json = {
      id: post.id,
      date: post.date,
      date_gmt: post.date,
      guid: { rendered: `${origin}/?p=${post.id}` },
      modified: post.date,
      modified_gmt: post.date,
      slug: post.slug,
      status: post.status,
      type: 'post',
      link: linkOf(post),
      title: { rendered: post.title },
      content: { rendered: post.content, protected: false },
      excerpt: { rendered: `<p>${post.excerpt}</p>\n`, protected: false },
      author: post.author,
      featured_media: 0,
      comment_status: 'open',
      ping_status: 'open',
      sticky: false,
      template: '',
      format: 'standard',
      meta: {},
      categories: [1],
      tags: [],
    };
    if (context === 'view') return base;
    return {
      ...base,
      guid: { rendered: `${origin}/?p=${post.id}`, raw: `${origin}/?p=${post.id}` },
      title: { raw: post.title, rendered: post.title },
      content: { raw: post.content, rendered: post.content, protected: false, block_version: 0 },
      excerpt: { raw: post.excerpt, rendered: `<p>${post.excerpt}</p>\n`, protected: false },
      password: '',
      permalink_template: `${origin}/%postname%/`,
      generated_slug: post.slug || sanitizeTitle(post.title),
    };
  }

  function uniqueSlug(slug: string, id: number): string {
    const taken = (candidate: string) =>
      posts.some((post) => post.id !== id && post.slug === candidate && post.status !== 'trash' && post.status !== 'draft' && post.status !== 'pending');
    if (!taken(slug)) return slug;
    let suffix = 2;
    while (taken(`${slug}-${suffix}`)) suffix += 1;
    return `${slug}-${suffix}`;
  }

  function addPost(partial: Partial<FakeWordpressPost> & { slug: string }): FakeWordpressPost {
    nextId += 1;
    const post: FakeWordpressPost = {
      id: partial.id ?? nextId,
      slug: partial.slug,
      status: partial.status ?? 'publish',
      title: partial.title ?? partial.slug,
      content: partial.content ?? '',
      excerpt: partial.excerpt ?? '',
      author: partial.author ?? 1,
      date: partial.date ?? new Date().toISOString().slice(0, 19),
    };
    posts.push(post);
    return post;
  }

  /** undefined: no credentials; 'ok'; or the refusal. */
  function authenticate(header: string | undefined): 'ok' | undefined | Answer {
    if (header === undefined || !header.startsWith('Basic ')) return undefined;
    const decoded = Buffer.from(header.slice('Basic '.length), 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    const user = colon === -1 ? decoded : decoded.slice(0, colon);
    const given = colon === -1 ? '' : decoded.slice(colon + 1).replace(/[^a-z\d]/gi, '');
    if (user !== username) return wpError(401, 'invalid_username', 'Unknown username. Check again or try your email address.');
    if (given !== password) return wpError(401, 'incorrect_password', 'The provided password is an invalid application password.');
    return 'ok';
  }

  function listPosts(query: Record<string, string>, isAuthed: boolean): Answer {
    const context = query.context ?? 'view';
    if (context === 'edit' && !isAuthed) {
      return wpError(401, 'rest_forbidden_context', 'Sorry, you are not allowed to edit posts in this post type.');
    }
    const requested = (query.status ?? 'publish').split(',');
    if (!isAuthed && requested.some((status) => status !== 'publish')) return wpError(401, 'rest_forbidden_status', 'Status is forbidden.');
    const statuses = requested.includes('any') ? [...STATUSES] : requested;
    const slugs = query.slug === undefined ? undefined : query.slug.split(',').map(sanitizeTitle);
    const perPage = Math.min(100, Math.max(1, Number(query.per_page ?? 10) || 10));
    const found = posts
      .filter((post) => statuses.includes(post.status) && (slugs === undefined || slugs.includes(post.slug)))
      .sort((a, b) => b.id - a.id);
    return {
      status: 200,
      body: found.slice(0, perPage).map((post) => postJson(post, context === 'edit' ? 'edit' : 'view')),
      headers: { 'x-wp-total': String(found.length), 'x-wp-totalpages': String(Math.max(1, Math.ceil(found.length / perPage))) },
    };
  }

  function createPost(rawBody: string, isAuthed: boolean): Answer {
    if (!isAuthed) return wpError(401, 'rest_cannot_create', 'Sorry, you are not allowed to create posts as this user.');
    if (capabilities.edit_posts !== true) return wpError(403, 'rest_cannot_create', 'Sorry, you are not allowed to create posts as this user.');
    let body: unknown;
    try {
      body = JSON.parse(rawBody);
    } catch {
      return wpError(400, 'rest_invalid_json', 'Invalid JSON body passed.');
    }
    if (!isObject(body)) return wpError(400, 'rest_invalid_json', 'Invalid JSON body passed.');
    const status = body.status ?? 'draft';
    if (typeof status !== 'string' || !STATUSES.some((s) => s === status)) {
      return wpError(400, 'rest_invalid_param', 'Invalid parameter(s): status');
    }
    if ((status === 'publish' || status === 'future') && capabilities.publish_posts !== true) {
      return wpError(403, 'rest_cannot_publish', 'Sorry, you are not allowed to publish posts in this post type.');
    }
    const title = typeof body.title === 'string' ? body.title : '';
    const content = typeof body.content === 'string' ? body.content : '';
    if (title === '' && content === '' && typeof body.excerpt !== 'string') {
      return wpError(400, 'empty_content', 'Content, title, and excerpt are empty.');
    }
    nextId += 1;
    const id = nextId;
    const requestedSlug = typeof body.slug === 'string' ? sanitizeTitle(body.slug) : '';
    const isDraftLike = status === 'draft' || status === 'pending';
    const slug = isDraftLike ? requestedSlug : uniqueSlug(requestedSlug || sanitizeTitle(title) || String(id), id);
    const post = addPost({
      id,
      slug,
      status: status as FakeWordpressPost['status'],
      title,
      content,
      excerpt: typeof body.excerpt === 'string' ? body.excerpt : '',
      author: USER_ID,
    });
    return { status: 201, body: postJson(post, 'edit'), headers: { location: `${origin}/wp-json/wp/v2/posts/${post.id}` } };
  }

  function me(query: Record<string, string>, isAuthed: boolean): Answer {
    if (!isAuthed) return wpError(401, 'rest_not_logged_in', 'You are not currently logged in.');
    const user: Json = {
      id: USER_ID,
      name: displayName,
      url: '',
      description: '',
      link: `${origin}/author/${username}/`,
      slug: username,
      avatar_urls: {},
      meta: [],
    };
    if (query.context === 'edit') {
      Object.assign(user, {
        username,
        first_name: '',
        last_name: '',
        email: `${username}@example.com`,
        locale: 'en_US',
        nickname: username,
        registered_date: '2024-01-01T00:00:00+00:00',
        roles: [capabilities.publish_posts ? 'author' : capabilities.edit_posts ? 'contributor' : 'subscriber'],
        capabilities,
        extra_capabilities: {},
      });
    }
    return { status: 200, body: user };
  }

  function route(method: string, path: string, query: Record<string, string>, headers: IncomingHttpHeaders, rawBody: string): Answer {
    if (!path.startsWith('/wp-json/')) return { status: 404, body: '<!doctype html><title>Page not found</title>' };
    const auth = authenticate(headers.authorization);
    if (auth !== undefined && auth !== 'ok') return auth;
    const isAuthed = auth === 'ok';
    const routePath = path.replace(/\/+$/, '');
    if (routePath === '/wp-json/wp/v2/posts' && method === 'GET') return listPosts(query, isAuthed);
    if (routePath === '/wp-json/wp/v2/posts' && method === 'POST') return createPost(rawBody, isAuthed);
    if (routePath === '/wp-json/wp/v2/users/me' && method === 'GET') return me(query, isAuthed);
    return wpError(404, 'rest_no_route', 'No route was found matching the URL and request method.');
  }

  function takeFault(method: string): number | 'hang' | undefined {
    const index = faults.findIndex((fault) => fault.filter.method === undefined || fault.filter.method === method);
    if (index === -1) return undefined;
    return faults.splice(index, 1)[0]?.status;
  }

  function send(res: ServerResponse, answer: Answer): void {
    const isText = typeof answer.body === 'string';
    res.writeHead(answer.status, {
      'content-type': isText ? 'text/html; charset=UTF-8' : 'application/json; charset=UTF-8',
      ...answer.headers,
    });
    res.end(isText ? answer.body : JSON.stringify(answer.body));
  }

  const server = createServer((req, res) => {
    readBody(req)
      .then((rawBody) => {
        const url = new URL(req.url ?? '/', 'http://localhost');
        const method = req.method ?? 'GET';
        const query = Object.fromEntries(url.searchParams);
        const record = (status: number | 'hang') =>
          requests.push({
            method,
            path: url.pathname,
            query,
            headers: req.headers,
            body: parseJson(rawBody),
            status,
          });
        const fault = takeFault(method);
        if (typeof fault === 'number') {
          record(fault);
          return send(res, wpError(fault, fault >= 500 ? 'internal_server_error' : 'rest_error', `Fake failure ${fault}.`));
        }
        const answer = route(method, url.pathname, query, req.headers, rawBody);
        if (fault === 'hang') {
          record('hang');
          return;
        }
        record(answer.status);
        send(res, answer);
      })
      .catch((error: unknown) => {
        if (!res.headersSent) send(res, { status: 500, body: { code: 'fake_error', message: String(error), data: { status: 500 } } });
      });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url: origin,
    posts,
    requests,
    failNext(status, times = 1, filter = {}) {
      for (let i = 0; i < times; i += 1) faults.push({ status, filter });
    },
    hangNext(times = 1, filter = {}) {
      for (let i = 0; i < times; i += 1) faults.push({ status: 'hang', filter });
    },
    addPost,
    close() {
      return new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
