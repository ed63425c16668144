import { RestliClient } from 'linkedin-api-client';
import { z } from 'zod';
import type { DeliveryResult } from '../types.ts';

/** Member posts only: sign-in (OpenID) to learn the author, and w_member_social to post as them. */
export const LINKEDIN_SCOPES = ['openid', 'profile', 'w_member_social'] as const;

export type LinkedinEndpoints = { apiUrl: string; oauthUrl: string; version: string };
export type LinkedinClientCredentials = { id: string; secret: string };

const LINKEDIN_API_ORIGIN = 'https://api.linkedin.com';

/**
 * The official Rest.li client, its calls sent to `apiUrl` (LINKEDIN_API_URL): it has no base-URL
 * option, so an axios request interceptor on its own instance rewrites the origin.
 */
export function makeLinkedinClient(endpoints: Pick<LinkedinEndpoints, 'apiUrl'>, timeoutMs: number): RestliClient {
  const client = new RestliClient({ timeout: timeoutMs });
  const base = endpoints.apiUrl.replace(/\/+$/, '');
  client.axiosInstance.interceptors.request.use((config) => {
    if (typeof config.url === 'string' && config.url.startsWith(LINKEDIN_API_ORIGIN)) config.url = base + config.url.slice(LINKEDIN_API_ORIGIN.length);
    return config;
  });
  return client;
}

export function linkedinAuthorizationLink(client: LinkedinClientCredentials, endpoints: LinkedinEndpoints, redirectUri: string, state: string): string {
  const url = new URL(`${endpoints.oauthUrl}/authorization`);
  url.search = new URLSearchParams({ response_type: 'code', client_id: client.id, redirect_uri: redirectUri, state, scope: LINKEDIN_SCOPES.join(' ') }).toString();
  return url.toString();
}

const tokenSchema = z.object({ access_token: z.string().min(1), expires_in: z.number().int().positive(), scope: z.string().optional() });
const userinfoSchema = z.object({ sub: z.string().min(1), name: z.string().optional(), given_name: z.string().optional() });

export type LinkedinMember = { accessToken: string; accessExpiresAt: Date; scopes: string[]; memberId: string; name: string; authorUrn: string };

/**
 * Exchanges the callback's code with fetch (the library's AuthClient uses the global axios, which
 * the base-URL interceptor does not reach) and reads the member from /v2/userinfo.
 */
export async function exchangeLinkedinCode(
  client: LinkedinClientCredentials,
  endpoints: LinkedinEndpoints,
  { code, redirectUri, now, timeoutMs }: { code: string; redirectUri: string; now: Date; timeoutMs: number },
): Promise<LinkedinMember> {
  const response = await fetch(`${endpoints.oauthUrl}/accessToken`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: redirectUri, client_id: client.id, client_secret: client.secret }),
    signal: AbortSignal.timeout(timeoutMs),
  });
  if (!response.ok) throw new Error(`LinkedIn refused the sign-in (${response.status}).`);
  const token = tokenSchema.parse(await response.json());
  const info = await makeLinkedinClient(endpoints, timeoutMs).get({ resourcePath: '/userinfo', accessToken: token.access_token });
  const member = userinfoSchema.parse(info.data);
  return {
    accessToken: token.access_token,
    accessExpiresAt: new Date(now.getTime() + token.expires_in * 1000),
    scopes: (token.scope ?? LINKEDIN_SCOPES.join(' ')).split(/[\s,]+/).filter(Boolean),
    memberId: member.sub,
    name: member.name ?? member.given_name ?? member.sub,
    authorUrn: `urn:li:person:${member.sub}`,
  };
}

/** Characters LinkedIn's "little text" format reserves; unescaped, the post is silently cut at the first one. */
const LITTLE_TEXT_RESERVED = /[\\|{}@[\]()<>#*_~]/g;

/** The commentary as LinkedIn must receive it to show it whole: every reserved character backslash-escaped. */
export function escapeLittleText(text: string): string {
  return text.replace(LITTLE_TEXT_RESERVED, (character) => `\\${character}`);
}

/** The text of a member post: the LinkedIn variant, with the article's link added when the variant lacks it. */
export function linkedinCommentary(variantText: string, link: string | undefined): string {
  const text = variantText.trim();
  if (link === undefined || text.includes(link)) return text;
  return `${text}\n\n${link}`;
}

/** The post URN in LinkedIn's 422 DUPLICATE_POST answer ("... duplicate of urn:li:share:123"). */
export function duplicatePostUrn(data: unknown): string | undefined {
  const text = typeof data === 'string' ? data : JSON.stringify(data ?? '');
  if (!/DUPLICATE_POST|duplicate/i.test(text)) return undefined;
  return text.match(/urn:li:(?:share|ugcPost|activity):\d+/)?.[0];
}

export function linkedinPostUrl(urn: string): string {
  return `https://www.linkedin.com/feed/update/${urn}/`;
}

type AxiosLikeError = { response?: { status: number; headers: Record<string, unknown>; data: unknown }; code?: string; message?: string };

export type LinkedinFailure = { kind: 'auth' | 'duplicate' | 'rate_limited' | 'server' | 'timeout' | 'network' | 'version' | 'invalid'; result: DeliveryResult; urn?: string };

/** Maps an axios error of the Rest.li client to a delivery result; `afterSend`: the post may have been created. */
export function describeLinkedinError(error: unknown, { who, afterSend, timeoutMs, version }: { who: string; afterSend: boolean; timeoutMs: number; version: string }): LinkedinFailure {
  const failure = (error ?? {}) as AxiosLikeError;
  const response = failure.response;
  if (response === undefined) {
    if (failure.code === 'ECONNABORTED' || failure.code === 'ETIMEDOUT' || /timeout/i.test(failure.message ?? '')) {
      return {
        kind: 'timeout',
        result: { state: afterSend ? 'unknown' : 'failed', retryable: true, reason: `LinkedIn did not answer within ${Math.round(timeoutMs / 1000)} seconds; the next try posts again and LinkedIn's duplicate check finds the first.` },
      };
    }
    return { kind: 'network', result: { state: afterSend ? 'unknown' : 'failed', retryable: true, reason: `LinkedIn could not be reached (${failure.code ?? failure.message ?? 'no answer'}); it is tried again.` } };
  }
  const { status } = response;
  if (status === 422) {
    const urn = duplicatePostUrn(response.data);
    if (urn !== undefined) return { kind: 'duplicate', urn, result: { state: 'delivered', retryable: false, status, externalId: urn, url: linkedinPostUrl(urn) } };
  }
  if (status === 401 || (status === 403 && /token|revoked|expired/i.test(JSON.stringify(response.data ?? '')))) {
    return { kind: 'auth', result: { state: 'failed', retryable: false, status, reason: `LinkedIn no longer accepts the connection to ${who} (${status}); an admin must reconnect the account in the App Home.` } };
  }
  if (status === 403) {
    return { kind: 'auth', result: { state: 'failed', retryable: false, status, reason: `LinkedIn does not let ${who} post through this app (403); reconnect the account in the App Home and allow posting.` } };
  }
  if (status === 426) {
    return { kind: 'version', result: { state: 'failed', retryable: false, status, reason: `LinkedIn no longer serves API version ${version} (426); set LINKEDIN_VERSION to a current month (YYYYMM) and retry.` } };
  }
  if (status === 429) {
    const reset = Number(response.headers['retry-after']);
    return {
      kind: 'rate_limited',
      result: { state: 'failed', retryable: true, status, reason: `LinkedIn is limiting posts for ${who} (429); it is tried again later.`, ...(Number.isFinite(reset) ? { retryAfterSeconds: reset } : {}) },
    };
  }
  if (status >= 500) {
    return { kind: 'server', result: { state: afterSend ? 'unknown' : 'failed', retryable: true, status, reason: `LinkedIn had a server error (${status}); it is tried again.` } };
  }
  const message = (response.data as { message?: unknown } | undefined)?.message;
  const detail = typeof message === 'string' ? `: ${message.slice(0, 200)}` : '';
  return { kind: 'invalid', result: { state: 'failed', retryable: false, status, reason: `LinkedIn refused the post (${status}${detail}); edit the LinkedIn variant and retry.` } };
}
