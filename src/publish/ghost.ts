import GhostAdminAPI, { type GhostRequest } from '@tryghost/admin-api';
import { z } from 'zod';
import type { GhostConfig } from '../domain/destinations.ts';
import { describeStatus, formatSeconds, hostOf, type HttpExchange, parseJson, retryableAnswer, sendHttpRequest, UNREACHABLE, USER_AGENT } from './http.ts';
import type { DestinationNetworkPolicy } from './network-guard.ts';
import type { DeliveryResult, DestinationCheck, PublishContent } from './types.ts';
import { toWordpressSlug } from './wordpress.ts';

/*
 * Ghost through @tryghost/admin-api. Its `makeRequest` option replaces axios per client instance, so every
 * call goes through our HTTP layer (address guard, no redirects, a lost answer told apart from one never
 * sent) while the library keeps building the URLs and the Admin API JWT.
 */

const GHOST_API_VERSION = 'v6.0';
const FEATURE_IMAGE_ALT_LIMIT = 191;

export type GhostCall = { adminKey: string; timeoutMs: number; network: DestinationNetworkPolicy };

/** Thrown from `makeRequest` for anything but a 2xx answer; carries the exchange so we can tell what happened. */
class GhostExchangeError extends Error {
  readonly exchange: HttpExchange;
  constructor(exchange: HttpExchange) {
    super(exchange.kind === 'answered' ? `Ghost answered ${exchange.status}` : exchange.message);
    this.exchange = exchange;
  }
}

/** Query parameters as the library's own axios serializer writes them: arrays joined with commas. */
function queryString(params: Record<string, unknown> = {}): string {
  const parts = Object.entries(params)
    .filter(([, value]) => value !== undefined)
    .map(([key, value]) => `${key}=${encodeURIComponent([value].flat().join(','))}`);
  return parts.length === 0 ? '' : `?${parts.join('&')}`;
}

function makeGhostClient(config: GhostConfig, call: GhostCall) {
  return GhostAdminAPI({
    url: config.adminUrl,
    key: call.adminKey,
    version: GHOST_API_VERSION,
    userAgent: USER_AGENT,
    async makeRequest({ url, method, data, params, headers }: GhostRequest) {
      const hasBody = data !== undefined && data !== '' && method !== 'GET';
      const exchange = await sendHttpRequest({
        url: `${url}${queryString(params)}`,
        method: method as 'GET' | 'POST' | 'PUT' | 'DELETE',
        headers: { ...headers, ...(hasBody ? { 'content-type': 'application/json; charset=utf-8' } : {}) },
        ...(hasBody ? { body: JSON.stringify(data) } : {}),
        timeoutMs: call.timeoutMs,
        network: call.network,
      });
      if (exchange.kind !== 'answered' || exchange.status < 200 || exchange.status >= 300) throw new GhostExchangeError(exchange);
      try {
        return JSON.parse(exchange.body) as unknown;
      } catch {
        throw new GhostExchangeError({ ...exchange, status: 502 });
      }
    },
  });
}

const postSchema = z.object({
  id: z.string(),
  slug: z.string(),
  status: z.string(),
  url: z.string().optional(),
  tags: z.array(z.object({ name: z.string() })).optional(),
  email: z.object({ id: z.string() }).nullable().optional(),
});
type GhostPost = z.infer<typeof postSchema>;
const errorsSchema = z.object({ errors: z.array(z.object({ message: z.string().optional(), type: z.string().optional() })) });

/** The internal tag (never shown to readers) that marks a post as this plan revision's. */
export function ghostPlanTag(plan: { id: string; revision: number }): string {
  return `#content-broadcaster-${plan.id}-r${plan.revision}`;
}

/** The deterministic slug we ask for and look up: the one Ghost keeps when no other post has it. */
export function ghostSlug(content: PublishContent): string {
  return toWordpressSlug(content.post.slug) || `plan-${content.plan.number}`;
}

function describeFailure(error: unknown, { config, timeoutMs, mayHaveActed, step }: { config: GhostConfig; timeoutMs: number; mayHaveActed: boolean; step: string }): DeliveryResult {
  const host = hostOf(config.adminUrl);
  if (!(error instanceof GhostExchangeError)) return { state: 'failed', retryable: false, reason: `Ghost at ${host}: ${error instanceof Error ? error.message : String(error)}` };
  const { exchange } = error;
  if (exchange.kind === 'not_sent') {
    if (exchange.isRefusedBeforeSending) return { state: 'failed', retryable: false, isRefusedBeforeSending: true, reason: `${exchange.message} Change the Ghost Admin API URL in the App Home.` };
    const why = exchange.timedOut ? `did not accept a connection within ${formatSeconds(timeoutMs)}` : `could not be reached (${exchange.code ?? exchange.message})`;
    return { state: 'failed', retryable: true, reason: `Ghost at ${host} ${why} while ${step}.` };
  }
  if (exchange.kind === 'no_answer') {
    const why = exchange.timedOut ? `did not answer within ${formatSeconds(timeoutMs)}` : 'broke the connection before answering';
    return mayHaveActed
      ? { state: 'unknown', retryable: true, reason: `Ghost at ${host} ${why} while ${step}; the next try looks the post up by its slug before creating it.` }
      : { state: 'failed', retryable: true, reason: `Ghost at ${host} ${why} while ${step}.` };
  }
  const { status } = exchange;
  const parsed = errorsSchema.safeParse(parseJson(exchange.body));
  const message = parsed.success ? parsed.data.errors[0]?.message?.replace(/\s+/g, ' ').slice(0, 200) : undefined;
  const detail = message ? `${status}: ${message}` : describeStatus(status);
  if (status === 401 || status === 403) return { state: 'failed', retryable: false, status, reason: `Ghost at ${host} refused the Admin API key (${detail}); paste a current one in the App Home.` };
  if (status === 429 || status >= 500) {
    return retryableAnswer(exchange, { state: mayHaveActed && status >= 500 ? 'unknown' : 'failed', reason: `Ghost at ${host} answered ${detail} while ${step}.` });
  }
  if (status === 404) return { state: 'failed', retryable: false, status, reason: `${host} has no Ghost Admin API at /ghost/api/admin/ (${detail}); check the Admin API URL in the App Home.` };
  return { state: 'failed', retryable: false, status, reason: `Ghost at ${host} refused ${step} (${detail}).` };
}

function postList(answer: unknown): GhostPost[] {
  const list = z.array(postSchema).safeParse(answer);
  return list.success ? list.data : [];
}

/** The post with this slug in any status, with its tags, or undefined. */
async function findBySlug(config: GhostConfig, call: GhostCall, slug: string): Promise<{ ok: true; post: GhostPost | undefined } | { ok: false; result: DeliveryResult }> {
  try {
    const posts = postList(await makeGhostClient(config, call).posts.browse({ filter: `slug:${slug}`, include: 'tags', limit: 1 }));
    return { ok: true, post: posts.find((post) => post.slug === slug) };
  } catch (error) {
    return { ok: false, result: describeFailure(error, { config, timeoutMs: call.timeoutMs, mayHaveActed: false, step: 'looking the post up' }) };
  }
}

function delivered(post: GhostPost): DeliveryResult {
  return { state: 'delivered', retryable: false, externalId: post.id, ...(post.url ? { url: post.url } : {}) };
}

/**
 * Creates the post (draft, published, or published and emailed to the configured newsletter) under a
 * deterministic slug, looked up first: Ghost gives a duplicate slug a silent "-2", so creating again
 * after a lost answer would make a second post, and email it again. Looking up first is the
 * reconciliation. A post with the slug that this plan revision did not make is a final failure.
 */
export async function publishToGhost({ config, call, content }: { config: GhostConfig; call: GhostCall; content: PublishContent }): Promise<DeliveryResult> {
  const slug = ghostSlug(content);
  const tag = ghostPlanTag(content.plan);
  const found = await findBySlug(config, call, slug);
  if (!found.ok) return found.result;
  if (found.post !== undefined) {
    if (found.post.tags?.some((candidate) => candidate.name === tag)) return delivered(found.post);
    return {
      state: 'failed',
      retryable: false,
      reason: `Ghost already has a post with the slug “${slug}” (id ${found.post.id}) that was not made for this plan; change the slug or remove that post, then retry.`,
    };
  }
  const isEmail = config.mode === 'publish_and_email' && config.newsletter !== '';
  try {
    const created = await makeGhostClient(config, call).posts.add(
      {
        title: content.post.title,
        slug,
        html: content.post.html,
        status: config.mode === 'draft' ? 'draft' : 'published',
        custom_excerpt: content.post.metaDescription.slice(0, 300),
        meta_description: content.post.metaDescription.slice(0, 500),
        feature_image_alt: content.post.metaDescription.slice(0, FEATURE_IMAGE_ALT_LIMIT),
        tags: [{ name: tag }],
      },
      { source: 'html', ...(isEmail ? { newsletter: config.newsletter, email_segment: 'all' } : {}) },
    );
    const post = postSchema.safeParse(created);
    if (!post.success) return { state: 'unknown', retryable: true, reason: 'Ghost answered without the post; the next try looks it up by its slug.' };
    return delivered(post.data);
  } catch (error) {
    return describeFailure(error, { config, timeoutMs: call.timeoutMs, mayHaveActed: true, step: 'creating the post' });
  }
}

/** The Test button: lists one post with the key, which needs a valid Admin API key; a fixed sentence either way. */
export async function checkGhost(config: GhostConfig, call: GhostCall): Promise<DestinationCheck> {
  try {
    await makeGhostClient(config, call).posts.browse({ limit: 1, fields: 'id' });
    const newsletter = config.mode === 'publish_and_email' ? `; posts are emailed to the “${config.newsletter}” newsletter` : '';
    return { ok: true, status: 200, message: `Signed in to Ghost at ${hostOf(config.adminUrl)} with the Admin API key${newsletter}.` };
  } catch (error) {
    if (error instanceof GhostExchangeError && error.exchange.kind === 'not_sent' && error.exchange.isRefusedBeforeSending) return { ok: false, message: error.exchange.message };
    if (error instanceof GhostExchangeError && error.exchange.kind !== 'answered') return { ok: false, message: `Ghost did not answer within ${formatSeconds(call.timeoutMs)}: ${UNREACHABLE}` };
    const result = describeFailure(error, { config, timeoutMs: call.timeoutMs, mayHaveActed: false, step: 'a sign-in' });
    return { ok: false, ...(result.status === undefined ? {} : { status: result.status }), message: result.reason ?? 'Ghost did not accept the key.' };
  }
}
