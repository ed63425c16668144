import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * X's API v2 and OAuth 2 on 127.0.0.1, as far as the app uses them, answering like X:
 * - `GET /i/oauth2/authorize` (the consent page): checks client, scopes, PKCE (S256) and redirect, then
 *   redirects back with `code` and `state`, as if the person pressed "Authorize app".
 * - `POST /2/oauth2/token` (JSON or form, Basic client auth): `authorization_code` checks the PKCE
 *   verifier; `refresh_token` accepts each refresh token once and rotates both tokens (2-hour access).
 * - `GET /2/users/me`, `POST /2/tweets` (`reply.in_reply_to_tweet_id` must exist), and
 *   `GET /2/users/:id/tweets` (`start_time`, newest first, links shortened to t.co in `text` with
 *   `entities.urls[].expanded_url`, `referenced_tweets`).
 * - Bearer tokens are checked on every call: unknown, expired or revoked → 401.
 * - The same text twice from one account → 403 "duplicate content", without the original's id.
 * Faults for the Nth `POST /2/tweets`: 429 with `x-rate-limit-reset`, 503, or store-then-hang.
 */
export type FakeTweet = { id: string; authorId: string; text: string; inReplyTo: string | undefined; createdAt: Date };
/** The counts X serves as a tweet's `public_metrics`. */
export type FakeTweetMetrics = { impression_count: number; like_count: number; retweet_count: number; reply_count: number; quote_count: number; bookmark_count: number };
export type FakeXRequest = { method: string; path: string; headers: IncomingHttpHeaders; body: unknown };
export type TweetFault = 'rate_limited' | 'server_error' | 'hang_after_store' | 'server_error_after_store';

type Account = { id: string; username: string };

export type FakeX = {
  url: string;
  clientId: string;
  clientSecret: string;
  account: Account;
  tweets: FakeTweet[];
  requests: FakeXRequest[];
  /** Sets a tweet's public metrics (zero until set). */
  setMetrics(tweetId: string, metrics: Partial<FakeTweetMetrics>): void;
  /** How many refresh grants X accepted. */
  refreshes: number;
  /** The `n`th POST /2/tweets from now on (1 = the next) gets this fault. */
  faultTweet(n: number, fault: TweetFault): void;
  /** Mints tokens for the account as a finished consent would; `expiresInSeconds` may be 0 (expired). */
  issueTokens(expiresInSeconds?: number): { accessToken: string; refreshToken: string };
  /** Revokes every token: the account disconnected the app in its settings. */
  revokeAll(): void;
  /** Slows the refresh grant, so concurrent refreshes overlap. */
  refreshDelayMs: number;
  close(): Promise<void>;
};

export async function startFakeX({ clientId = 'x-client-id', clientSecret = 'x-client-secret' } = {}): Promise<FakeX> {
  const account: Account = { id: '1500000000000000001', username: 'acme' };
  const access = new Map<string, { expiresAt: number }>();
  const refresh = new Map<string, { used: boolean }>();
  const codes = new Map<string, { challenge: string; redirectUri: string }>();
  const faults = new Map<number, TweetFault>();
  const hanging = new Set<ServerResponse>();
  const metrics = new Map<string, FakeTweetMetrics>();
  const NO_METRICS: FakeTweetMetrics = { impression_count: 0, like_count: 0, retweet_count: 0, reply_count: 0, quote_count: 0, bookmark_count: 0 };
  let tweetCalls = 0;
  let nextId = 1_900_000_000_000_000_000n;

  const issueTokens = (expiresInSeconds = 7200) => {
    const accessToken = `xat-${randomBytes(12).toString('hex')}`;
    const refreshToken = `xrt-${randomBytes(12).toString('hex')}`;
    access.set(accessToken, { expiresAt: Date.now() + expiresInSeconds * 1000 });
    refresh.set(refreshToken, { used: false });
    return { accessToken, refreshToken };
  };

  const fake: FakeX = {
    url: '',
    clientId,
    clientSecret,
    account,
    tweets: [],
    requests: [],
    refreshes: 0,
    refreshDelayMs: 0,
    setMetrics: (tweetId, values) => void metrics.set(tweetId, { ...NO_METRICS, ...metrics.get(tweetId), ...values }),
    faultTweet: (n, fault) => void faults.set(tweetCalls + n, fault),
    issueTokens,
    revokeAll: () => {
      access.clear();
      refresh.clear();
    },
    close: async () => {
      for (const response of hanging) response.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };

  const json = (response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
    response.end(JSON.stringify(body));
  };
  const problem = (response: ServerResponse, status: number, title: string, detail: string, headers: Record<string, string> = {}) =>
    json(response, status, { title, detail, type: 'about:blank', status }, headers);

  const isAuthorized = (request: IncomingMessage) => {
    const token = request.headers.authorization?.match(/^Bearer (.+)$/)?.[1];
    const grant = token === undefined ? undefined : access.get(token);
    return grant !== undefined && grant.expiresAt > Date.now();
  };

  const shorten = (text: string) => {
    const urls: { url: string; expanded_url: string; display_url: string }[] = [];
    const shortened = text.replace(/https?:\/\/\S+/g, (original) => {
      const url = `https://t.co/${randomBytes(5).toString('hex')}`;
      urls.push({ url, expanded_url: original, display_url: original.replace(/^https?:\/\//, '').slice(0, 25) });
      return url;
    });
    return { text: shortened.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;'), urls };
  };

  const server = createServer(async (request, response) => {
    const url = new URL(request.url ?? '/', 'http://fake-x');
    const raw = await readBody(request);
    const body = parseBody(raw, request.headers['content-type']);
    fake.requests.push({ method: request.method ?? 'GET', path: url.pathname, headers: request.headers, body });

    if (request.method === 'GET' && url.pathname === '/i/oauth2/authorize') {
      const q = url.searchParams;
      const scopes = (q.get('scope') ?? '').split(' ');
      const missing = ['tweet.read', 'tweet.write', 'users.read', 'offline.access'].filter((scope) => !scopes.includes(scope));
      if (q.get('client_id') !== clientId || q.get('response_type') !== 'code' || missing.length > 0) return problem(response, 400, 'Bad Request', `bad authorize request ${missing.join(' ')}`);
      if (q.get('code_challenge_method')?.toLowerCase() !== 's256' || !q.get('code_challenge') || !q.get('state')) return problem(response, 400, 'Bad Request', 'PKCE S256 and state are required');
      const code = `xcode-${randomBytes(8).toString('hex')}`;
      codes.set(code, { challenge: q.get('code_challenge')!, redirectUri: q.get('redirect_uri') ?? '' });
      const back = new URL(q.get('redirect_uri') ?? '');
      back.searchParams.set('state', q.get('state')!);
      back.searchParams.set('code', code);
      response.writeHead(302, { location: back.toString() });
      return response.end();
    }

    if (request.method === 'POST' && url.pathname === '/2/oauth2/token') {
      const form = body as Record<string, string>;
      const basic = request.headers.authorization?.match(/^Basic (.+)$/)?.[1];
      const [id, secret] = basic ? Buffer.from(basic, 'base64').toString('utf8').split(':') : [form['client_id'], form['client_secret']];
      if (id !== clientId || secret !== clientSecret) return json(response, 401, { error: 'unauthorized_client', error_description: 'Missing valid authorization header' });
      const grant = (extra: Record<string, unknown> = {}) => {
        const tokens = issueTokens();
        json(response, 200, { token_type: 'bearer', expires_in: 7200, access_token: tokens.accessToken, refresh_token: tokens.refreshToken, scope: 'tweet.read tweet.write users.read offline.access', ...extra });
      };
      if (form['grant_type'] === 'authorization_code') {
        const entry = codes.get(form['code'] ?? '');
        codes.delete(form['code'] ?? '');
        const challenge = createHash('sha256').update(form['code_verifier'] ?? '').digest('base64url');
        if (!entry || entry.challenge !== challenge || entry.redirectUri !== form['redirect_uri']) {
          return json(response, 400, { error: 'invalid_request', error_description: 'Value passed for the authorization code was invalid.' });
        }
        return grant();
      }
      if (form['grant_type'] === 'refresh_token') {
        const entry = refresh.get(form['refresh_token'] ?? '');
        if (!entry || entry.used) return json(response, 400, { error: 'invalid_request', error_description: 'Value passed for the token was invalid.' });
        entry.used = true;
        await new Promise((resolve) => setTimeout(resolve, fake.refreshDelayMs));
        fake.refreshes += 1;
        return grant();
      }
      return json(response, 400, { error: 'unsupported_grant_type' });
    }

    if (!isAuthorized(request)) return problem(response, 401, 'Unauthorized', 'Unauthorized');

    if (request.method === 'GET' && url.pathname === '/2/users/me') {
      return json(response, 200, { data: { id: account.id, name: 'Acme', username: account.username } });
    }

    if (request.method === 'POST' && url.pathname === '/2/tweets') {
      tweetCalls += 1;
      const fault = faults.get(tweetCalls);
      const payload = body as { text?: unknown; reply?: { in_reply_to_tweet_id?: unknown } };
      if (typeof payload.text !== 'string' || payload.text.length === 0) return problem(response, 400, 'Invalid Request', 'text is required');
      const inReplyTo = payload.reply?.in_reply_to_tweet_id;
      if (inReplyTo !== undefined && (typeof inReplyTo !== 'string' || !fake.tweets.some((tweet) => tweet.id === inReplyTo))) {
        return problem(response, 400, 'Invalid Request', 'The tweet you are replying to does not exist.');
      }
      if (fault === 'rate_limited') return problem(response, 429, 'Too Many Requests', 'Too Many Requests', { 'x-rate-limit-reset': String(Math.floor(Date.now() / 1000) + 600), 'x-rate-limit-remaining': '0' });
      if (fault === 'server_error') return problem(response, 503, 'Service Unavailable', 'Service Unavailable');
      if (fake.tweets.some((tweet) => tweet.authorId === account.id && tweet.text === payload.text)) {
        return problem(response, 403, 'Forbidden', 'You are not allowed to create a Tweet with duplicate content.');
      }
      const tweet: FakeTweet = { id: String((nextId += 1n)), authorId: account.id, text: payload.text, inReplyTo, createdAt: new Date() };
      fake.tweets.push(tweet);
      if (fault === 'hang_after_store') return void hanging.add(response);
      if (fault === 'server_error_after_store') return problem(response, 503, 'Service Unavailable', 'Service Unavailable');
      return json(response, 201, { data: { id: tweet.id, text: tweet.text, edit_history_tweet_ids: [tweet.id] } });
    }

    if (request.method === 'GET' && url.pathname === '/2/tweets') {
      const ids = (url.searchParams.get('ids') ?? '').split(',').filter(Boolean);
      if (ids.length === 0 || ids.length > 100) return problem(response, 400, 'Invalid Request', 'ids must name 1 to 100 tweets');
      const fields = (url.searchParams.get('tweet.fields') ?? '').split(',');
      const found = ids.map((id) => fake.tweets.find((tweet) => tweet.id === id)).filter((tweet): tweet is FakeTweet => tweet !== undefined);
      const data = found.map((tweet) => ({
        id: tweet.id,
        text: tweet.text,
        edit_history_tweet_ids: [tweet.id],
        ...(fields.includes('public_metrics') ? { public_metrics: metrics.get(tweet.id) ?? NO_METRICS } : {}),
      }));
      const missing = ids.filter((id) => !found.some((tweet) => tweet.id === id)).map((id) => ({ value: id, detail: `Could not find tweet with ids: [${id}].`, title: 'Not Found Error', type: 'https://api.twitter.com/2/problems/resource-not-found' }));
      return json(response, 200, { ...(data.length > 0 ? { data } : {}), ...(missing.length > 0 ? { errors: missing } : {}) });
    }

    const timeline = url.pathname.match(/^\/2\/users\/(\d+)\/tweets$/);
    if (request.method === 'GET' && timeline) {
      const since = url.searchParams.get('start_time');
      const tweets = fake.tweets
        .filter((tweet) => tweet.authorId === timeline[1] && (since === null || tweet.createdAt >= new Date(since)))
        .reverse()
        .map((tweet) => {
          const { text, urls } = shorten(tweet.text);
          return {
            id: tweet.id,
            text,
            created_at: tweet.createdAt.toISOString(),
            edit_history_tweet_ids: [tweet.id],
            ...(urls.length > 0 ? { entities: { urls } } : {}),
            ...(tweet.inReplyTo ? { referenced_tweets: [{ type: 'replied_to', id: tweet.inReplyTo }] } : {}),
          };
        });
      return json(response, 200, tweets.length === 0 ? { meta: { result_count: 0 } } : { data: tweets, meta: { result_count: tweets.length, newest_id: tweets[0]!.id, oldest_id: tweets.at(-1)!.id } });
    }

    return problem(response, 404, 'Not Found', `no route ${request.method} ${url.pathname}`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return fake;
}

export function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

/** JSON or form bodies, by media type (X's token endpoint takes both). */
export function parseBody(raw: string, contentType: string | undefined): unknown {
  if (raw === '') return {};
  if ((contentType ?? '').includes('application/x-www-form-urlencoded')) return Object.fromEntries(new URLSearchParams(raw));
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return raw;
  }
}
