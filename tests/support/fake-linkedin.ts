import { randomBytes } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseBody, readBody } from './fake-x.ts';

/**
 * LinkedIn's member APIs on 127.0.0.1, as far as the app uses them, answering like LinkedIn:
 * - `GET /oauth/v2/authorization` (consent): checks client, scopes and redirect, then redirects back with
 *   `code` and `state`. `POST /oauth/v2/accessToken` (form): a 60-day token, no refresh token.
 * - `GET /v2/userinfo` (OpenID): the member's `sub` and name.
 * - `POST /rest/posts`: needs `LinkedIn-Version` equal to the version it serves (otherwise 426, as for a
 *   sunset version), `X-Restli-Protocol-Version: 2.0.0`, the member's own author URN and the post's full
 *   shape. The commentary is read as "little text": an unescaped reserved character cuts the post there,
 *   silently, as LinkedIn does. 201 with `x-restli-id`. The same commentary twice → 422 DUPLICATE_POST
 *   naming the first post's URN.
 * - Bearer tokens are checked: unknown, expired or revoked → 401.
 * Faults for the Nth `POST /rest/posts`: 429, 500, or store-then-hang.
 */
export type FakeLinkedinPost = { urn: string; author: string; commentary: string; text: string };
export type FakeLinkedinRequest = { method: string; path: string; headers: IncomingHttpHeaders; body: unknown };
export type PostFault = 'rate_limited' | 'server_error' | 'hang_after_store';

export type FakeLinkedin = {
  url: string;
  oauthUrl: string;
  clientId: string;
  clientSecret: string;
  version: string;
  member: { sub: string; name: string };
  posts: FakeLinkedinPost[];
  requests: FakeLinkedinRequest[];
  faultPost(n: number, fault: PostFault): void;
  /** A token for the member; reading likes and comments needs `r_member_social` among its scopes. */
  issueToken(expiresInSeconds?: number, scopes?: string[]): string;
  /** Sets a post's likes and comments, served at /rest/socialActions/{urn}. */
  setSocialActions(urn: string, counts: { likes: number; comments: number }): void;
  revokeAll(): void;
  close(): Promise<void>;
};

const RESERVED = new Set(['\\', '|', '{', '}', '@', '[', ']', '(', ')', '<', '>', '#', '*', '_', '~']);

/** What LinkedIn shows of a little-text commentary: escapes resolved, cut at the first unescaped reserved character. */
export function readLittleText(commentary: string): string {
  let shown = '';
  for (let index = 0; index < commentary.length; index += 1) {
    const character = commentary[index]!;
    if (character === '\\' && index + 1 < commentary.length && RESERVED.has(commentary[index + 1]!)) {
      shown += commentary[index + 1];
      index += 1;
      continue;
    }
    if (RESERVED.has(character)) break;
    shown += character;
  }
  return shown;
}

export async function startFakeLinkedin({ clientId = 'li-client-id', clientSecret = 'li-client-secret', version = '202601' } = {}): Promise<FakeLinkedin> {
  const member = { sub: 'aBcD123', name: 'Jane Doe' };
  const tokens = new Map<string, { expiresAt: number; scopes: string[] }>();
  const socialActions = new Map<string, { likes: number; comments: number }>();
  const codes = new Map<string, { redirectUri: string }>();
  const faults = new Map<number, PostFault>();
  const hanging = new Set<ServerResponse>();
  let postCalls = 0;
  let nextShare = 7_100_000_000_000_000_000n;

  const issueToken = (expiresInSeconds = 5_184_000, scopes = ['openid', 'profile', 'w_member_social']) => {
    const token = `li-${randomBytes(12).toString('hex')}`;
    tokens.set(token, { expiresAt: Date.now() + expiresInSeconds * 1000, scopes });
    return token;
  };
  const fake: FakeLinkedin = {
    url: '',
    oauthUrl: '',
    clientId,
    clientSecret,
    version,
    member,
    posts: [],
    requests: [],
    faultPost: (n, fault) => void faults.set(postCalls + n, fault),
    issueToken,
    setSocialActions: (urn, counts) => void socialActions.set(urn, counts),
    revokeAll: () => tokens.clear(),
    close: async () => {
      for (const response of hanging) response.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  const json = (response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    response.writeHead(status, { 'content-type': 'application/json', ...headers });
    response.end(JSON.stringify(body));
  };
  const error = (response: ServerResponse, status: number, message: string, extra: Record<string, unknown> = {}, headers: Record<string, string> = {}) =>
    json(response, status, { status, message, ...extra }, headers);

  const server = createServer(async (request, response) => {
    const url = new URL(request.url ?? '/', 'http://fake-linkedin');
    const body = parseBody(await readBody(request), request.headers['content-type']);
    fake.requests.push({ method: request.method ?? 'GET', path: url.pathname, headers: request.headers, body });

    if (request.method === 'GET' && url.pathname === '/oauth/v2/authorization') {
      const q = url.searchParams;
      const scopes = (q.get('scope') ?? '').split(' ');
      if (q.get('client_id') !== clientId || q.get('response_type') !== 'code' || !['openid', 'profile', 'w_member_social'].every((scope) => scopes.includes(scope)) || !q.get('state')) {
        return error(response, 400, 'bad authorization request');
      }
      const code = `licode-${randomBytes(8).toString('hex')}`;
      codes.set(code, { redirectUri: q.get('redirect_uri') ?? '' });
      const back = new URL(q.get('redirect_uri') ?? '');
      back.searchParams.set('code', code);
      back.searchParams.set('state', q.get('state')!);
      response.writeHead(302, { location: back.toString() });
      return response.end();
    }
    if (request.method === 'POST' && url.pathname === '/oauth/v2/accessToken') {
      const form = body as Record<string, string>;
      const entry = codes.get(form['code'] ?? '');
      codes.delete(form['code'] ?? '');
      if (form['client_id'] !== clientId || form['client_secret'] !== clientSecret) return json(response, 401, { error: 'invalid_client' });
      if (form['grant_type'] !== 'authorization_code' || !entry || entry.redirectUri !== form['redirect_uri']) return json(response, 400, { error: 'invalid_request' });
      return json(response, 200, { access_token: issueToken(), expires_in: 5_184_000, scope: 'openid,profile,w_member_social' });
    }

    const token = request.headers.authorization?.match(/^Bearer (.+)$/)?.[1];
    const grant = token === undefined ? undefined : tokens.get(token);
    if (!grant || grant.expiresAt <= Date.now()) return error(response, 401, 'Invalid access token', { serviceErrorCode: 65600, code: 'REVOKED_ACCESS_TOKEN' });

    if (request.method === 'GET' && url.pathname === '/v2/userinfo') {
      return json(response, 200, { sub: member.sub, name: member.name, given_name: 'Jane', family_name: 'Doe', email_verified: true });
    }
    if (request.method === 'POST' && url.pathname === '/rest/posts') {
      postCalls += 1;
      if (request.headers['linkedin-version'] !== version) return error(response, 426, `Requested version ${String(request.headers['linkedin-version'])} is not active`, { code: 'NONEXISTENT_VERSION' });
      if (request.headers['x-restli-protocol-version'] !== '2.0.0') return error(response, 400, 'X-Restli-Protocol-Version 2.0.0 is required');
      const post = body as Record<string, unknown>;
      const distribution = post['distribution'] as Record<string, unknown> | undefined;
      const isShaped =
        post['author'] === `urn:li:person:${member.sub}` &&
        typeof post['commentary'] === 'string' &&
        post['visibility'] === 'PUBLIC' &&
        post['lifecycleState'] === 'PUBLISHED' &&
        distribution?.['feedDistribution'] === 'MAIN_FEED' &&
        Array.isArray(distribution['targetEntities']) &&
        Array.isArray(distribution['thirdPartyDistributionChannels']);
      if (!isShaped) return error(response, 422, 'ERROR :: /author :: the post is not a valid member post', { code: 'UNPROCESSABLE_ENTITY' });
      const fault = faults.get(postCalls);
      if (fault === 'rate_limited') return error(response, 429, 'Resource level throttle limit reached', {}, { 'retry-after': '60' });
      if (fault === 'server_error') return error(response, 500, 'Internal Server Error');
      const commentary = post['commentary'] as string;
      const existing = fake.posts.find((item) => item.author === post['author'] && item.commentary === commentary);
      if (existing) return error(response, 422, `Content is a duplicate of ${existing.urn}`, { code: 'DUPLICATE_POST', serviceErrorCode: 0 });
      const urn = `urn:li:share:${(nextShare += 1n)}`;
      fake.posts.push({ urn, author: post['author'] as string, commentary, text: readLittleText(commentary) });
      if (fault === 'hang_after_store') return void hanging.add(response);
      response.writeHead(201, { 'x-restli-id': encodeURIComponent(urn), 'x-linkedin-id': urn });
      return response.end();
    }
    const social = url.pathname.match(/^\/rest\/socialActions\/([^/]+)$/);
    if (request.method === 'GET' && social) {
      if (request.headers['linkedin-version'] !== version) return error(response, 426, `Requested version ${String(request.headers['linkedin-version'])} is not active`, { code: 'NONEXISTENT_VERSION' });
      // Member social actions are a restricted permission: a token without it is refused.
      if (!grant.scopes.includes('r_member_social')) return error(response, 403, 'Not enough permissions to access: socialActions.GET.20260101', { code: 'ACCESS_DENIED', serviceErrorCode: 100 });
      const urn = decodeURIComponent(social[1]!);
      if (!fake.posts.some((post) => post.urn === urn)) return error(response, 404, `Not found: ${urn}`);
      const counts = socialActions.get(urn) ?? { likes: 0, comments: 0 };
      return json(response, 200, {
        target: urn,
        likesSummary: { totalLikes: counts.likes, likedByCurrentUser: false },
        commentsSummary: { aggregatedTotalComments: counts.comments, totalFirstLevelComments: counts.comments },
      });
    }
    return error(response, 404, `no route ${request.method} ${url.pathname}`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  fake.oauthUrl = `${fake.url}/oauth/v2`;
  return fake;
}
