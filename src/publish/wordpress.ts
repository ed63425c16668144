import { z } from 'zod';
import { AppError } from '../errors.ts';
import { describeStatus, formatSeconds, hostOf, type HttpExchange, parseJson, retryableAnswer, sendHttpRequest, UNREACHABLE } from './http.ts';
import type { DestinationNetworkPolicy } from './network-guard.ts';
import { type DeliveryResult, type DestinationCheck, type PublishContent, validateDestinationUrl, type WordpressDestination } from './types.ts';

export type WordpressAuth = { username: string; applicationPassword: string };

/** A post as the REST API shows it with `context=edit`. */
export type WordpressPost = {
  id: number;
  link: string;
  slug: string;
  status: string;
  /** The stored content; undefined when WordPress did not give the edit view. */
  contentRaw: string | undefined;
};

const DEFAULT_TIMEOUT_MS = 15_000;

const postSchema = z.object({
  id: z.number().int(),
  link: z.string(),
  slug: z.string(),
  status: z.string(),
  content: z.object({ raw: z.string().optional() }).optional(),
});

const userSchema = z.object({
  id: z.number().int(),
  name: z.string().optional(),
  slug: z.string().optional(),
  capabilities: z.record(z.string(), z.boolean()).optional(),
});

const errorSchema = z.object({ code: z.string(), message: z.string() });

type WordpressCall = {
  siteUrl: string;
  auth: WordpressAuth;
  method: 'GET' | 'POST';
  route: string;
  query?: Record<string, string>;
  body?: unknown;
  timeoutMs: number;
  network: DestinationNetworkPolicy;
};

/**
 * `https://example.com/blog` + `posts` → `https://example.com/blog/wp-json/wp/v2/posts`. The route is set
 * as the path, so nothing in the site URL (a `?` or `#` at its end) can move the request elsewhere.
 */
export function makeWordpressApiUrl(siteUrl: string, route: string, query: Record<string, string> = {}): string {
  const url = new URL(siteUrl.trim());
  url.pathname = `${url.pathname.replace(/\/+$/, '')}/wp-json/wp/v2/${route}`;
  url.search = '';
  url.hash = '';
  for (const [name, value] of Object.entries(query)) url.searchParams.set(name, value);
  return url.toString();
}

/** Basic auth with an application password; WordPress ignores the spaces it shows the password with. */
function authorizationHeader({ username, applicationPassword }: WordpressAuth): string {
  return `Basic ${Buffer.from(`${username}:${applicationPassword.replace(/\s+/g, '')}`, 'utf8').toString('base64')}`;
}

function callWordpress({ siteUrl, auth, method, route, query, body, timeoutMs, network }: WordpressCall): Promise<HttpExchange> {
  return sendHttpRequest({
    url: makeWordpressApiUrl(siteUrl, route, query),
    method,
    headers: {
      authorization: authorizationHeader(auth),
      ...(body === undefined ? {} : { 'content-type': 'application/json; charset=utf-8' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    timeoutMs,
    network,
  });
}

/**
 * The slug WordPress would keep as is: lowercase ASCII letters, digits and hyphens. Sending it already
 * in that form means the slug we look up is the slug WordPress stored.
 */
export function toWordpressSlug(slug: string): string {
  return slug
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 190)
    .replace(/-+$/, '');
}

/**
 * Marks a post as this plan revision's, so a post that merely shares the slug is never mistaken for
 * ours. WordPress keeps HTML comments in the content.
 */
export function buildPostMarker(plan: { id: string; revision: number }): string {
  return `<!-- content-broadcaster plan=${plan.id} revision=${plan.revision} -->`;
}

type Step<T> = { ok: true; value: T } | { ok: false; result: DeliveryResult };

/** WordPress's own error message, as plain text and short, for the end of a sentence. */
function wordpressMessage(body: string): { code: string | undefined; message: string | undefined } {
  const parsed = errorSchema.safeParse(parseJson(body));
  if (!parsed.success) return { code: undefined, message: undefined };
  const message = parsed.data.message.replace(/<[^>]*>/g, '').replace(/\s+/g, ' ').trim().slice(0, 200);
  return { code: parsed.data.code, message: message === '' ? undefined : message };
}

// 401 codes that mean WordPress saw no credentials at all: usually a host that strips the Authorization header.
const NO_CREDENTIAL_CODES = new Set(['rest_not_logged_in', 'rest_cannot_create', 'rest_forbidden_context', 'rest_cannot_view', 'rest_forbidden']);

/** Turns anything but the expected answer into a result with a sentence for the thread. */
function describeFailure(
  exchange: HttpExchange,
  { siteUrl, username, timeoutMs, isCreate }: { siteUrl: string; username: string; timeoutMs: number; isCreate: boolean },
): DeliveryResult {
  const host = hostOf(siteUrl);
  if (exchange.kind === 'not_sent' && exchange.isRefusedBeforeSending) {
    return { state: 'failed', retryable: false, isRefusedBeforeSending: true, reason: `${exchange.message} Change the WordPress site URL in the App Home.` };
  }
  if (exchange.kind === 'not_sent') {
    if (exchange.code !== undefined && (exchange.code.startsWith('ERR_TLS') || /CERT|SELF_SIGNED|SSL/.test(exchange.code))) {
      return {
        state: 'failed',
        retryable: false,
        reason: `WordPress at ${host} has a TLS certificate that was not accepted (${exchange.code}); fix the certificate or the site URL in the App Home.`,
      };
    }
    const why = exchange.timedOut
      ? `did not accept a connection within ${formatSeconds(timeoutMs)}`
      : `could not be reached (${exchange.code ?? exchange.message})`;
    return { state: 'failed', retryable: true, reason: `WordPress at ${host} ${why}.` };
  }
  if (exchange.kind === 'no_answer') {
    const why = exchange.timedOut ? `did not answer within ${formatSeconds(timeoutMs)}` : 'broke the connection before answering';
    if (isCreate) {
      return {
        state: 'unknown',
        retryable: true,
        reason: `WordPress at ${host} ${why} after the post was sent; the next try looks the post up by its slug before creating it.`,
      };
    }
    return { state: 'failed', retryable: true, reason: `WordPress at ${host} ${why}.` };
  }

  const { status } = exchange;
  const { code, message } = wordpressMessage(exchange.body);
  const detail = message === undefined ? describeStatus(status) : `${status}: ${message}`;
  if (status === 401) {
    const reason =
      code !== undefined && NO_CREDENTIAL_CODES.has(code)
        ? `WordPress did not receive the credentials for ${username} (401); make sure the site passes the Authorization header to WordPress, then test the destination in the App Home.`
        : `WordPress rejected the application password for ${username} (401); update it in the App Home.`;
    return { state: 'failed', retryable: false, status, reason };
  }
  if (status === 403) {
    const reason =
      code === 'rest_cannot_publish'
        ? `WordPress does not let ${username} publish posts (403); give them the Author role, or set the destination to draft in the App Home.`
        : code === 'rest_cannot_create'
          ? `WordPress does not let ${username} create posts (403); give them the Author role in WordPress.`
          : `WordPress refused the request for ${username} (${detail}); check the user's role and any security plugin that blocks the REST API.`;
    return { state: 'failed', retryable: false, status, reason };
  }
  if (status === 408 || status === 429 || status >= 500) {
    // A server error may come after the post was saved (a plugin failing late, a gateway timing out).
    return retryableAnswer(exchange, { state: isCreate && status >= 500 ? 'unknown' : 'failed', reason: `WordPress at ${host} answered ${detail}.` });
  }
  if (status >= 300 && status < 400) {
    const location = exchange.headers.location;
    const where = location === undefined ? '' : ` to ${location}`;
    return {
      state: 'failed',
      retryable: false,
      status,
      reason: `WordPress at ${host} redirected${where} (${status}); enter the address it redirects to as the site URL in the App Home.`,
    };
  }
  if (status === 404) {
    return {
      state: 'failed',
      retryable: false,
      status,
      reason: `${host} has no WordPress REST API at /wp-json/ (${detail}); check the site URL in the App Home.`,
    };
  }
  return { state: 'failed', retryable: false, status, reason: `WordPress at ${host} refused the request (${detail}).` };
}

function notJson(siteUrl: string, status: number): DeliveryResult {
  return {
    state: 'failed',
    retryable: false,
    status,
    reason: `${hostOf(siteUrl)} answered ${describeStatus(status)} with something other than WordPress's JSON; check the site URL in the App Home.`,
  };
}

function toPost(raw: z.infer<typeof postSchema>): WordpressPost {
  return { id: raw.id, link: raw.link, slug: raw.slug, status: raw.status, contentRaw: raw.content?.raw };
}

async function lookUpBySlug({
  siteUrl,
  auth,
  slug,
  timeoutMs,
  network,
}: {
  siteUrl: string;
  auth: WordpressAuth;
  slug: string;
  timeoutMs: number;
  network: DestinationNetworkPolicy;
}): Promise<Step<WordpressPost[]>> {
  const exchange = await callWordpress({
    siteUrl,
    auth,
    network,
    method: 'GET',
    route: 'posts',
    // status=any finds drafts and scheduled posts too (not trashed ones); context=edit shows the raw content.
    query: { slug, status: 'any', context: 'edit', per_page: '10' },
    timeoutMs,
  });
  const failure = { siteUrl, username: auth.username, timeoutMs, isCreate: false };
  if (exchange.kind !== 'answered' || exchange.status !== 200) return { ok: false, result: describeFailure(exchange, failure) };
  const posts = z.array(postSchema).safeParse(parseJson(exchange.body));
  if (!posts.success) return { ok: false, result: notJson(siteUrl, exchange.status) };
  return { ok: true, value: posts.data.map(toPost) };
}

/**
 * The post with this slug in any status but trash, or undefined. Throws AppError (`UPSTREAM`, or
 * `UPSTREAM_RETRYABLE` when trying again may help) with a sentence saying what to fix.
 */
export async function findPostBySlug({
  siteUrl,
  auth,
  slug,
  timeoutMs = DEFAULT_TIMEOUT_MS,
  network,
}: {
  siteUrl: string;
  auth: WordpressAuth;
  slug: string;
  timeoutMs?: number;
  network: DestinationNetworkPolicy;
}): Promise<WordpressPost | undefined> {
  const wanted = toWordpressSlug(slug);
  const step = await lookUpBySlug({ siteUrl, auth, slug: wanted, timeoutMs, network });
  if (!step.ok) {
    const { result } = step;
    throw new AppError(result.retryable ? 'UPSTREAM_RETRYABLE' : 'UPSTREAM', result.reason ?? 'WordPress could not be asked for the post.', {
      details: { status: result.status },
    });
  }
  return step.value.find((post) => post.slug === wanted);
}

function escapeAngleBrackets(text: string): string {
  return text.replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * Creates the post as a draft or published, as configured. It looks the post up by slug first, so
 * calling it again after an `unknown` result (or any retry) finds the post instead of creating a
 * second one: calling it again is the reconciliation. A post with the slug that this plan revision
 * did not create is a final failure rather than a false "delivered".
 */
export async function publishToWordpress({
  destination,
  content,
  timeoutMs = DEFAULT_TIMEOUT_MS,
  network,
}: {
  destination: WordpressDestination;
  content: PublishContent;
  timeoutMs?: number;
  network: DestinationNetworkPolicy;
}): Promise<DeliveryResult> {
  const { siteUrl, username, applicationPassword, status } = destination;
  const problem = validateDestinationUrl(siteUrl);
  if (problem !== null) {
    return { state: 'failed', retryable: false, reason: `${problem.replace(/\.$/, '')}; fix the WordPress site URL in the App Home.` };
  }
  const auth = { username, applicationPassword };
  const slug = toWordpressSlug(content.post.slug) || `plan-${content.plan.number}`;
  const marker = buildPostMarker(content.plan);

  const found = await lookUpBySlug({ siteUrl, auth, slug, timeoutMs, network });
  if (!found.ok) return found.result;
  const existing = found.value.find((post) => post.slug === slug);
  if (existing !== undefined) {
    if (existing.contentRaw?.includes(marker)) {
      return { state: 'delivered', retryable: false, url: existing.link, externalId: String(existing.id) };
    }
    return {
      state: 'failed',
      retryable: false,
      reason: `WordPress already has a post with the slug “${slug}” (id ${existing.id}) that was not made for this plan; change the slug or remove that post, then retry.`,
    };
  }

  const exchange = await callWordpress({
    siteUrl,
    auth,
    network,
    method: 'POST',
    route: 'posts',
    body: {
      title: escapeAngleBrackets(content.post.title),
      slug,
      content: `${content.post.html.trimEnd()}\n${marker}\n`,
      excerpt: escapeAngleBrackets(content.post.metaDescription),
      status,
    },
    timeoutMs,
  });
  if (exchange.kind !== 'answered' || (exchange.status !== 201 && exchange.status !== 200)) {
    return describeFailure(exchange, { siteUrl, username, timeoutMs, isCreate: true });
  }
  const created = postSchema.safeParse(parseJson(exchange.body));
  if (!created.success) {
    // It answered success, so the post most likely exists; the next try finds it by slug.
    return {
      state: 'unknown',
      retryable: true,
      status: exchange.status,
      reason: `WordPress at ${hostOf(siteUrl)} answered ${describeStatus(exchange.status)} without the post; the next try looks it up by its slug.`,
    };
  }
  return { state: 'delivered', retryable: false, status: exchange.status, url: created.data.link, externalId: String(created.data.id) };
}

/**
 * The App Home's Test button: signs in as the user and checks they may create posts in the configured
 * status. The answer is a fixed sentence with the status only: nothing of the answer's text is shown,
 * so Test cannot be used to read other servers' pages or to tell open ports from closed ones.
 */
export async function checkWordpressAuth(
  destination: WordpressDestination,
  { timeoutMs = 5_000, network }: { timeoutMs?: number; network: DestinationNetworkPolicy },
): Promise<DestinationCheck> {
  const { siteUrl, username, applicationPassword, status } = destination;
  const problem = validateDestinationUrl(siteUrl);
  if (problem !== null) return { ok: false, message: problem };
  const exchange = await callWordpress({
    siteUrl,
    auth: { username, applicationPassword },
    method: 'GET',
    route: 'users/me',
    query: { context: 'edit' },
    timeoutMs,
    network,
  });
  if (exchange.kind === 'not_sent' && exchange.isRefusedBeforeSending) return { ok: false, message: exchange.message };
  if (exchange.kind !== 'answered') return { ok: false, message: `WordPress did not answer within ${formatSeconds(timeoutMs)}: ${UNREACHABLE}` };
  const answered = { status: exchange.status };
  if (exchange.status === 401) {
    return { ok: false, ...answered, message: `WordPress rejected the application password for ${username} (401); update it in the App Home.` };
  }
  if (exchange.status !== 200) {
    return { ok: false, ...answered, message: `${hostOf(siteUrl)} answered ${describeStatus(exchange.status)} to a WordPress sign-in; check the site URL and the user.` };
  }
  const user = userSchema.safeParse(parseJson(exchange.body));
  if (!user.success) return { ok: false, ...answered, message: notJson(siteUrl, exchange.status).reason ?? '' };
  const capability = status === 'publish' ? 'publish_posts' : 'edit_posts';
  const can = status === 'publish' ? 'publish posts' : 'create drafts';
  if (user.data.capabilities !== undefined && user.data.capabilities[capability] !== true) {
    return {
      ok: false,
      ...answered,
      message: `Signed in to WordPress as ${username}, who cannot ${can}; give them the Author role${status === 'publish' ? ' or set the destination to draft' : ''}.`,
    };
  }
  return { ok: true, ...answered, message: `Signed in to WordPress as ${username}, who can ${can}.` };
}
