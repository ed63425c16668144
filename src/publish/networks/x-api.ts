import http from 'node:http';
import { ApiPartialResponseError, ApiRequestError, ApiResponseError, TwitterApi, type ITwitterApiClientPlugin } from 'twitter-api-v2';
import type { DeliveryResult } from '../types.ts';

/** What the app asks an X account for: post threads, read them back to reconcile, and keep access (refresh). */
export const X_SCOPES = ['tweet.read', 'tweet.write', 'users.read', 'offline.access'] as const;

export type XEndpoints = { apiUrl: string; oauthUrl: string };
export type XClientCredentials = { id: string; secret: string };

/**
 * A twitter-api-v2 client whose calls go to `apiUrl` (X_API_URL) instead of api.x.com: the library's
 * own base cannot be changed (cloneWithPrefix is broken in 1.29), so a plugin rewrites each request's
 * URL before it is built. An http:// base (a local proxy, the tests' fake) needs an http agent, as the
 * library always uses https.request.
 */
export function makeXClient(auth: { accessToken: string } | { client: XClientCredentials }, endpoints: XEndpoints, timeoutMs: number): TwitterApi {
  const base = endpoints.apiUrl.replace(/\/+$/, '');
  const plugin: ITwitterApiClientPlugin = {
    onBeforeRequestConfig({ params }) {
      params.url = params.url.replace(/^https:\/\/(api|upload)\.x\.com/, base);
      params.timeout ??= timeoutMs;
    },
  };
  const settings = { plugins: [plugin], ...(base.startsWith('http:') ? { httpAgent: new http.Agent() } : {}) };
  return 'accessToken' in auth
    ? new TwitterApi(auth.accessToken, settings)
    : new TwitterApi({ clientId: auth.client.id, clientSecret: auth.client.secret }, settings);
}

/** The X authorization page for PKCE, at X_OAUTH_URL. */
export function xAuthorizationLink(client: XClientCredentials, endpoints: XEndpoints, redirectUri: string, state: string) {
  const link = makeXClient({ client }, endpoints, 10_000).generateOAuth2AuthLink(redirectUri, { scope: [...X_SCOPES], state });
  const url = new URL(link.url);
  const target = new URL(endpoints.oauthUrl);
  target.search = url.search;
  return { url: target.toString(), codeVerifier: link.codeVerifier };
}

export type XTokens = { accessToken: string; refreshToken: string | null; accessExpiresAt: Date; scopes: string[] };

export async function exchangeXCode(
  client: XClientCredentials,
  endpoints: XEndpoints,
  { code, codeVerifier, redirectUri, now, timeoutMs }: { code: string; codeVerifier: string; redirectUri: string; now: Date; timeoutMs: number },
): Promise<XTokens & { userId: string; username: string }> {
  const login = await makeXClient({ client }, endpoints, timeoutMs).loginWithOAuth2({ code, codeVerifier, redirectUri });
  const me = await makeXClient({ accessToken: login.accessToken }, endpoints, timeoutMs).v2.me();
  return {
    accessToken: login.accessToken,
    refreshToken: login.refreshToken ?? null,
    accessExpiresAt: new Date(now.getTime() + login.expiresIn * 1000),
    scopes: login.scope,
    userId: me.data.id,
    username: me.data.username,
  };
}

export async function refreshXToken(client: XClientCredentials, endpoints: XEndpoints, refreshToken: string, now: Date, timeoutMs: number): Promise<XTokens> {
  const result = await makeXClient({ client }, endpoints, timeoutMs).refreshOAuth2Token(refreshToken);
  return {
    accessToken: result.accessToken,
    refreshToken: result.refreshToken ?? null,
    accessExpiresAt: new Date(now.getTime() + result.expiresIn * 1000),
    scopes: result.scope,
  };
}

/** An X error, sorted: what happened, whether the request may have taken effect, and a sentence. */
export type XFailure = {
  kind: 'auth' | 'duplicate' | 'rate_limited' | 'server' | 'timeout' | 'network' | 'invalid';
  result: DeliveryResult;
};

/**
 * Maps anything twitter-api-v2 throws to a delivery result. `afterSend` says whether the request may
 * have reached X (a create): then a timeout or a 5xx is `unknown`, to be reconciled before posting again.
 */
export function describeXError(error: unknown, { handle, afterSend, timeoutMs }: { handle: string; afterSend: boolean; timeoutMs: number }): XFailure {
  if (error instanceof ApiResponseError) {
    const status = error.code;
    const detail = xErrorDetail(error);
    if (status === 401 || (status === 403 && /token|unauthori[sz]ed|suspended|revoked/i.test(detail) && !/duplicate/i.test(detail))) {
      return {
        kind: 'auth',
        result: { state: 'failed', retryable: false, status, reason: `X no longer accepts the connection to ${handle} (${status}); an admin must reconnect the account in the App Home.` },
      };
    }
    if (status === 403 && /duplicate/i.test(detail)) {
      return { kind: 'duplicate', result: { state: 'failed', retryable: false, status, reason: `X says ${handle} already posted this text.` } };
    }
    if (status === 429) {
      const reset = Number(error.headers?.['x-rate-limit-reset']);
      const waitSeconds = Number.isFinite(reset) ? Math.max(1, Math.ceil(reset - Date.now() / 1000)) : undefined;
      return {
        kind: 'rate_limited',
        result: {
          state: 'failed',
          retryable: true,
          status,
          reason: `X is limiting how often ${handle} can post${waitSeconds === undefined ? '' : `; it resets in ${formatWait(waitSeconds)}`}, and the rest of the thread will be posted then.`,
          ...(waitSeconds === undefined ? {} : { retryAfterSeconds: waitSeconds }),
        },
      };
    }
    if (status >= 500) {
      return {
        kind: 'server',
        result: { state: afterSend ? 'unknown' : 'failed', retryable: true, status, reason: `X had a server error (${status}); the thread is checked and continued on the next try.` },
      };
    }
    return {
      kind: 'invalid',
      result: { state: 'failed', retryable: false, status, reason: `X refused a post of the thread (${status}: ${detail}); edit the X thread variant and retry.` },
    };
  }
  const cause = error instanceof ApiRequestError ? requestCause(error) : undefined;
  const isTimeout = (cause !== undefined && /timeout/i.test(cause.message)) || error instanceof ApiPartialResponseError;
  if (isTimeout) {
    return {
      kind: 'timeout',
      result: {
        state: afterSend ? 'unknown' : 'failed',
        retryable: true,
        reason: `X did not answer within ${Math.round(timeoutMs / 1000)} seconds; the next try looks for the post on ${handle} before continuing.`,
      },
    };
  }
  const message = cause?.message ?? (error instanceof Error ? error.message : String(error));
  return { kind: 'network', result: { state: afterSend ? 'unknown' : 'failed', retryable: true, reason: `X could not be reached (${message}); it is tried again.` } };
}

/**
 * What made a request fail. twitter-api-v2 1.29 keeps it under `_options.error` while its
 * `requestError` getter reads `_options.requestError`, which is never set.
 */
function requestCause(error: ApiRequestError): Error | undefined {
  const options = (error as unknown as { _options?: { error?: unknown; requestError?: unknown } })._options;
  const cause = options?.requestError ?? options?.error;
  return cause instanceof Error ? cause : undefined;
}

function xErrorDetail(error: ApiResponseError): string {
  const data = error.data as { detail?: unknown; title?: unknown; errors?: { message?: unknown }[] } | undefined;
  const parts = [data?.detail, data?.title, ...(data?.errors ?? []).map((item) => item.message)].filter((part): part is string => typeof part === 'string');
  return (parts[0] ?? error.message).replace(/\s+/g, ' ').slice(0, 200);
}

function formatWait(seconds: number): string {
  return seconds < 120 ? `${seconds} seconds` : `${Math.ceil(seconds / 60)} minutes`;
}
